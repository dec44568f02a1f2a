/* Compiled integrands for the QUADPACK peer of bench/integration (bench/peers/integration_peer.py
 * wraps them in scipy.LowLevelCallable through ctypes): double f(double), the same functions as
 * bench/integration_bench.cpp. */
#include <math.h>

double log_sqrt(double x) { return log(x) / sqrt(x); }
double gauss(double x) { return exp(-x * x); }
double sine(double x) { return sin(x); }
/* 2-D integrand for scipy.integrate.nquad: double f(int n, double *x). */
double sin_cos(int n, double* x) { return n == 2 ? sin(x[0]) * cos(x[1]) : NAN; }
