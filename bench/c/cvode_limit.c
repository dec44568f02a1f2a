/* The limit row of bench/ode: bare CVODE (SUNDIALS 6.4, the library our ivp task uses) with a
 * compiled right-hand side and analytic dense Jacobian, no parser, no task layer. Same problems,
 * tolerances and references as bench/ode_bench.cpp and bench/peers/ode_peer.py.
 *
 * Usage: bench_cvode_limit [reps]     (prints one line per problem and tolerance:
 *   "cvode <problem> rtol=<r> (C, <method>)  median <t> ms (cpu <c> ms)  max_rel_err <e>
 *    nsteps <n>")
 */
#include <cvode/cvode.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <stdio.h>
#include <stdlib.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>
#include <time.h>

#define IJ(J, i, j) SM_ELEMENT_D(J, i, j)

static const double kMu = 1000.0, kSigma = 10.0, kRho = 28.0, kBeta = 8.0 / 3.0;

static int robertsonRhs(sunrealtype t, N_Vector yv, N_Vector fv, void* ud) {
  (void)t, (void)ud;
  const double* y = N_VGetArrayPointer(yv);
  double* f = N_VGetArrayPointer(fv);
  f[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
  f[2] = 3e7 * y[1] * y[1];
  f[1] = -f[0] - f[2];
  return 0;
}
static int robertsonJac(sunrealtype t, N_Vector yv, N_Vector fy, SUNMatrix J, void* ud, N_Vector t1,
                        N_Vector t2, N_Vector t3) {
  (void)t, (void)fy, (void)ud, (void)t1, (void)t2, (void)t3;
  const double* y = N_VGetArrayPointer(yv);
  IJ(J, 0, 0) = -0.04, IJ(J, 0, 1) = 1e4 * y[2], IJ(J, 0, 2) = 1e4 * y[1];
  IJ(J, 1, 0) = 0.04, IJ(J, 1, 1) = -1e4 * y[2] - 6e7 * y[1], IJ(J, 1, 2) = -1e4 * y[1];
  IJ(J, 2, 0) = 0.0, IJ(J, 2, 1) = 6e7 * y[1], IJ(J, 2, 2) = 0.0;
  return 0;
}
static int vdpRhs(sunrealtype t, N_Vector yv, N_Vector fv, void* ud) {
  (void)t, (void)ud;
  const double* y = N_VGetArrayPointer(yv);
  double* f = N_VGetArrayPointer(fv);
  f[0] = y[1];
  f[1] = kMu * (1 - y[0] * y[0]) * y[1] - y[0];
  return 0;
}
static int vdpJac(sunrealtype t, N_Vector yv, N_Vector fy, SUNMatrix J, void* ud, N_Vector t1,
                  N_Vector t2, N_Vector t3) {
  (void)t, (void)fy, (void)ud, (void)t1, (void)t2, (void)t3;
  const double* y = N_VGetArrayPointer(yv);
  IJ(J, 0, 0) = 0.0, IJ(J, 0, 1) = 1.0;
  IJ(J, 1, 0) = -2 * kMu * y[0] * y[1] - 1, IJ(J, 1, 1) = kMu * (1 - y[0] * y[0]);
  return 0;
}
static int lorenzRhs(sunrealtype t, N_Vector yv, N_Vector fv, void* ud) {
  (void)t, (void)ud;
  const double* y = N_VGetArrayPointer(yv);
  double* f = N_VGetArrayPointer(fv);
  f[0] = kSigma * (y[1] - y[0]);
  f[1] = y[0] * (kRho - y[2]) - y[1];
  f[2] = y[0] * y[1] - kBeta * y[2];
  return 0;
}

/* HIRES (Schaefer 1975; Hairer & Wanner II, Mazzia & Magherini's test set): 8 stiff chemical
 * kinetics equations on [0, 321.8122]. */
static int hiresRhs(sunrealtype t, N_Vector yv, N_Vector fv, void* ud) {
  (void)t, (void)ud;
  const double* y = N_VGetArrayPointer(yv);
  double* f = N_VGetArrayPointer(fv);
  f[0] = -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007;
  f[1] = 1.71 * y[0] - 8.75 * y[1];
  f[2] = -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4];
  f[3] = 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3];
  f[4] = -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6];
  f[5] = -280 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6];
  f[6] = 280 * y[5] * y[7] - 1.81 * y[6];
  f[7] = -280 * y[5] * y[7] + 1.81 * y[6];
  return 0;
}
static int hiresJac(sunrealtype t, N_Vector yv, N_Vector fy, SUNMatrix J, void* ud, N_Vector t1,
                    N_Vector t2, N_Vector t3) {
  (void)t, (void)fy, (void)ud, (void)t1, (void)t2, (void)t3;
  const double* y = N_VGetArrayPointer(yv);
  SUNMatZero(J);
  IJ(J, 0, 0) = -1.71, IJ(J, 0, 1) = 0.43, IJ(J, 0, 2) = 8.32;
  IJ(J, 1, 0) = 1.71, IJ(J, 1, 1) = -8.75;
  IJ(J, 2, 2) = -10.03, IJ(J, 2, 3) = 0.43, IJ(J, 2, 4) = 0.035;
  IJ(J, 3, 1) = 8.32, IJ(J, 3, 2) = 1.71, IJ(J, 3, 3) = -1.12;
  IJ(J, 4, 4) = -1.745, IJ(J, 4, 5) = 0.43, IJ(J, 4, 6) = 0.43;
  IJ(J, 5, 3) = 0.69, IJ(J, 5, 4) = 1.71, IJ(J, 5, 5) = -280 * y[7] - 0.43, IJ(J, 5, 6) = 0.69;
  IJ(J, 5, 7) = -280 * y[5];
  IJ(J, 6, 5) = 280 * y[7], IJ(J, 6, 6) = -1.81, IJ(J, 6, 7) = 280 * y[5];
  IJ(J, 7, 5) = -280 * y[7], IJ(J, 7, 6) = 1.81, IJ(J, 7, 7) = -280 * y[5];
  return 0;
}

typedef struct {
  const char* name;
  int n, bdf;
  CVRhsFn rhs;
  CVLsJacFn jac;
  double y0[8], t1, atol_scale; /* atol = rtol * atol_scale (as bench/ode_bench.cpp) */
  double ref[8], floor[8];
} Problem;

/* Integrates once; returns 0 on success and fills y(t1) and the step count. */
static int solveOnce(SUNContext ctx, const Problem* p, double rtol, double* y, long* nsteps) {
  N_Vector v = N_VNew_Serial(p->n, ctx);
  for (int i = 0; i < p->n; ++i) NV_Ith_S(v, i) = p->y0[i];
  void* mem = CVodeCreate(p->bdf ? CV_BDF : CV_ADAMS, ctx);
  SUNMatrix A = NULL;
  SUNLinearSolver ls = NULL;
  SUNNonlinearSolver nls = NULL;
  int flag = CVodeInit(mem, p->rhs, 0.0, v);
  flag |= CVodeSStolerances(mem, rtol, rtol * p->atol_scale);
  if (p->bdf) {
    A = SUNDenseMatrix(p->n, p->n, ctx);
    ls = SUNLinSol_Dense(v, A, ctx);
    flag |= CVodeSetLinearSolver(mem, ls, A);
    flag |= CVodeSetJacFn(mem, p->jac);
  } else {
    nls = SUNNonlinSol_FixedPoint(v, 0, ctx);
    flag |= CVodeSetNonlinearSolver(mem, nls);
  }
  flag |= CVodeSetStopTime(mem, p->t1);
  flag |= CVodeSetMaxNumSteps(mem, -1);
  flag |= CVodeSetMaxErrTestFails(mem, 20);
  double tret = 0;
  if (flag == 0) flag = CVode(mem, p->t1, v, &tret, CV_NORMAL);
  for (int i = 0; i < p->n; ++i) y[i] = NV_Ith_S(v, i);
  CVodeGetNumSteps(mem, nsteps);
  CVodeFree(&mem);
  if (ls) SUNLinSolFree(ls);
  if (A) SUNMatDestroy(A);
  if (nls) SUNNonlinSolFree(nls);
  N_VDestroy(v);
  return flag < 0 ? flag : 0;
}

static double now(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}
static int cmp(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}
static double median(double* v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void bench(SUNContext ctx, const Problem* p, double rtol, int reps) {
  double wall[101], cpu[101], y[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  long nsteps = 0;
  /* inner repetitions so one timing is >= ~20 ms (clock resolution on a loaded machine) */
  int inner = 1;
  double t0 = now(CLOCK_MONOTONIC);
  if (solveOnce(ctx, p, rtol, y, &nsteps) != 0) {
    printf("cvode %s rtol=%g: CVODE failed\n", p->name, rtol);
    return;
  }
  const double once = now(CLOCK_MONOTONIC) - t0;
  if (once < 0.02) inner = (int)(0.02 / (once > 1e-6 ? once : 1e-6)) + 1;
  for (int r = 0; r < reps; ++r) {
    const double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    for (int k = 0; k < inner; ++k) solveOnce(ctx, p, rtol, y, &nsteps);
    wall[r] = (now(CLOCK_MONOTONIC) - w0) / inner;
    cpu[r] = (now(CLOCK_PROCESS_CPUTIME_ID) - c0) / inner;
  }
  double err = 0;
  for (int i = 0; i < p->n; ++i) {
    const double e = fabs(y[i] - p->ref[i]) / (fabs(p->ref[i]) + p->floor[i]);
    if (e > err) err = e;
  }
  char label[96];
  snprintf(label, sizeof label, "cvode %s rtol=%.0e (C, %s)", p->name, rtol,
           p->bdf ? "BDF, dense Jacobian" : "Adams, fixed point");
  printf("%-52s median %9.4f ms (cpu %9.4f ms)   max_rel_err %9.3g   nsteps %6ld\n", label,
         1e3 * median(wall, reps), 1e3 * median(cpu, reps), err, nsteps);
  fflush(stdout);
}

int main(int argc, char** argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 5;
  if (reps < 1 || reps > 101) {
    fprintf(stderr, "bench_cvode_limit: reps must be 1..101, got %s\n", argv[1]);
    return 2;
  }
  SUNContext ctx;
  if (SUNContext_Create(NULL, &ctx) != 0) return 1;
  /* References: bench/ode_bench.cpp (Robertson, Van der Pol); Lorenz y(5) from
   * scipy DOP853 at rtol 1e-13 (odeint at rtol 1e-13 agrees to 1.3e-12). */
  const Problem rob = {"robertson",
                       3,
                       1,
                       robertsonRhs,
                       robertsonJac,
                       {1, 0, 0},
                       1e11,
                       1e-4,
                       {2.083340149701255e-8, 8.333360770334713e-14, 0.9999999791665050},
                       {0, 1e-12, 0}};
  const Problem vdp = {"vanderpol1000",
                       2,
                       1,
                       vdpRhs,
                       vdpJac,
                       {2, 0, 0},
                       2000,
                       1e-2,
                       {1.706167732170469, -8.928097010248125e-4, 0},
                       {0, 0, 0}};
  const Problem lor = {
      "lorenz",  3,    0,
      lorenzRhs, NULL, {1, 1, 1},
      5,         1e-2, {-6.5121136994191495, -6.9740427884156597, 23.924129572104242},
      {0, 0, 0}};
  /* HIRES at t = 321.8122: the test set's reference (Radau5 at tight tolerance; SciPy's Radau at
   * rtol 1e-13 agrees to 7e-14). */
  const Problem hires = {
      "hires",
      8,
      1,
      hiresRhs,
      hiresJac,
      {1, 0, 0, 0, 0, 0, 0, 0.0057},
      321.8122,
      1e-4,
      {0.7371312573325668e-3, 0.1442485726316185e-3, 0.5888729740967575e-4, 0.1175651343283149e-2,
       0.2386356198831331e-2, 0.6238968252742796e-2, 0.2849998395185769e-2, 0.2850001604814231e-2},
      {0, 0, 0, 0, 0, 0, 0, 0}};
  const double robRtol[] = {1e-8, 1e-9, 1e-10}, vdpRtol[] = {1e-8, 1e-9};
  const double hiresRtol[] = {1e-7, 1e-8, 1e-9, 1e-10};
  const double lorRtol[] = {1e-10, 1e-11, 1e-12};
  for (int i = 0; i < 3; ++i) bench(ctx, &rob, robRtol[i], reps);
  for (int i = 0; i < 2; ++i) bench(ctx, &vdp, vdpRtol[i], reps);
  for (int i = 0; i < 3; ++i) bench(ctx, &lor, lorRtol[i], reps);
  for (int i = 0; i < 4; ++i) bench(ctx, &hires, hiresRtol[i], reps);
  SUNContext_Free(&ctx);
  return 0;
}
