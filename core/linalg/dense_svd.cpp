// Explicit instantiations of the SVDs of Eigen::MatrixXd declared `extern` in
// dense_decompositions.h.
#include "core/linalg/dense_decompositions.h"

template class Eigen::BDCSVD<Eigen::MatrixXd>;
template class Eigen::JacobiSVD<Eigen::MatrixXd>;
