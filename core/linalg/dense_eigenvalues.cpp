// Explicit instantiations of the eigenvalue solvers of Eigen::MatrixXd declared `extern` in
// dense_decompositions.h.
#include "core/linalg/dense_decompositions.h"

template class Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>;
template class Eigen::EigenSolver<Eigen::MatrixXd>;
template Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>& Eigen::SelfAdjointEigenSolver<
    Eigen::MatrixXd>::compute<Eigen::MatrixXd>(const Eigen::EigenBase<Eigen::MatrixXd>&, int);
template Eigen::EigenSolver<Eigen::MatrixXd>& Eigen::EigenSolver<Eigen::MatrixXd>::compute<
    Eigen::MatrixXd>(const Eigen::EigenBase<Eigen::MatrixXd>&, bool);
