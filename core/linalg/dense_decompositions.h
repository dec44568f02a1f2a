// The dense Eigen decompositions of Matrix (Eigen::MatrixXd) that several agents use, compiled
// once: their explicit instantiations live in dense_svd.cpp, dense_qr_lu.cpp and
// dense_eigenvalues.cpp, and the `extern template` declarations below stop every other translation
// unit from instantiating and optimising them again (BDCSVD alone cost ~10 s of compile time in
// each file that used it). Include this header instead of <Eigen/SVD>, <Eigen/QR>, <Eigen/LU>,
// <Eigen/Cholesky> or <Eigen/Eigenvalues> in a .cpp (never in a header: it is heavy to parse). A
// decomposition of another type (a Ref, a Map, a fixed size) is instantiated where it is used, as
// before.
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <Eigen/QR>
#include <Eigen/SVD>

// dense_svd.cpp
extern template class Eigen::BDCSVD<Eigen::MatrixXd>;
extern template class Eigen::JacobiSVD<Eigen::MatrixXd>;

// dense_qr_lu.cpp
extern template class Eigen::HouseholderQR<Eigen::MatrixXd>;
extern template class Eigen::ColPivHouseholderQR<Eigen::MatrixXd>;
extern template class Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd>;
extern template class Eigen::PartialPivLU<Eigen::MatrixXd>;
extern template class Eigen::LLT<Eigen::MatrixXd>;
extern template class Eigen::LDLT<Eigen::MatrixXd>;
// compute() of LLT and LDLT is a member template: its MatrixXd specialisation is declared here too.
extern template Eigen::LLT<Eigen::MatrixXd>& Eigen::LLT<Eigen::MatrixXd>::compute<Eigen::MatrixXd>(
    const Eigen::EigenBase<Eigen::MatrixXd>&);
extern template Eigen::LDLT<Eigen::MatrixXd>&
Eigen::LDLT<Eigen::MatrixXd>::compute<Eigen::MatrixXd>(const Eigen::EigenBase<Eigen::MatrixXd>&);

// dense_eigenvalues.cpp
extern template class Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>;
extern template class Eigen::EigenSolver<Eigen::MatrixXd>;
extern template Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>& Eigen::SelfAdjointEigenSolver<
    Eigen::MatrixXd>::compute<Eigen::MatrixXd>(const Eigen::EigenBase<Eigen::MatrixXd>&, int);
extern template Eigen::EigenSolver<Eigen::MatrixXd>& Eigen::EigenSolver<Eigen::MatrixXd>::compute<
    Eigen::MatrixXd>(const Eigen::EigenBase<Eigen::MatrixXd>&, bool);
