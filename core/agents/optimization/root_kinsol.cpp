// optimization.root method "kinsol": SUNDIALS KINSOL (6.4 SUNContext API): Newton with a
// dense direct solver on KINSOL's difference-quotient Jacobian and its line-search globalisation.
#include "core/agents/optimization/root_internal.h"
#include "core/util/malloced_string.h"

#include <kinsol/kinsol.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace sciagents::core::agents::opt {

namespace {

struct UserData {
  const std::function<Vector(const Vector&)>* f;
  TaskContext* ctx;
  long nfev = 0;
  std::string last_error;
};

int residual(N_Vector u, N_Vector fval, void* ud) {
  auto* d = static_cast<UserData*>(ud);
  const auto n = static_cast<Eigen::Index>(N_VGetLength(u));
  const Vector x = Eigen::Map<const Vector>(N_VGetArrayPointer(u), n);
  const Vector fx = (*d->f)(x);
  ++d->nfev;
  if (fx.size() != n || !fx.allFinite()) return 1;  // recoverable: the line search backs off
  std::memcpy(N_VGetArrayPointer(fval), fx.data(), sizeof(double) * static_cast<std::size_t>(n));
  d->ctx->metric("residual", static_cast<double>(d->nfev), fx.lpNorm<Eigen::Infinity>());
  return d->ctx->cancelled() ? -1 : 0;
}

void errHandler(int, const char*, const char* function, char* msg, void* ud) {
  static_cast<UserData*>(ud)->last_error = std::string(function) + ": " + msg;
}

struct Kinsol {
  SUNContext sctx = nullptr;
  N_Vector u = nullptr, scale = nullptr;
  SUNMatrix J = nullptr;
  SUNLinearSolver ls = nullptr;
  void* mem = nullptr;
  ~Kinsol() {
    if (mem) KINFree(&mem);
    if (ls) SUNLinSolFree(ls);
    if (J) SUNMatDestroy(J);
    for (N_Vector v : {u, scale})
      if (v) N_VDestroy(v);
    if (sctx) SUNContext_Free(&sctx);
  }
};

std::string flagName(long flag) {
  return takeMallocedString(KINGetReturnFlagName(flag), "unknown flag");
}

void check(int flag, const char* what) {
  if (flag < 0)
    throw Error(ErrorCode::RunFailed,
                std::string("KINSOL setup failed in ") + what + " (" + flagName(flag) + ")");
}

}  // namespace

RootResult kinsolSystem(const std::function<Vector(const Vector&)>& f, const Vector& x0,
                        double xtol, double ftol, long maxiter, TaskContext& ctx) {
  const auto n = static_cast<sunindextype>(x0.size());
  UserData ud{&f, &ctx, 0, {}};
  Kinsol k;
  if (SUNContext_Create(nullptr, &k.sctx) != 0)
    throw Error(ErrorCode::RunFailed, "SUNContext_Create failed");
  k.u = N_VNew_Serial(n, k.sctx);
  k.scale = N_VNew_Serial(n, k.sctx);
  std::memcpy(N_VGetArrayPointer(k.u), x0.data(), sizeof(double) * static_cast<std::size_t>(n));
  N_VConst(1.0, k.scale);
  k.mem = KINCreate(k.sctx);
  if (!k.mem) throw Error(ErrorCode::RunFailed, "KINCreate failed");
  check(KINSetErrHandlerFn(k.mem, errHandler, &ud), "KINSetErrHandlerFn");
  check(KINInit(k.mem, residual, k.u), "KINInit");
  check(KINSetUserData(k.mem, &ud), "KINSetUserData");
  k.J = SUNDenseMatrix(n, n, k.sctx);
  k.ls = SUNLinSol_Dense(k.u, k.J, k.sctx);
  check(KINSetLinearSolver(k.mem, k.ls, k.J),
        "KINSetLinearSolver");  // difference-quotient Jacobian
  check(KINSetMaxSetupCalls(k.mem, 1),
        "KINSetMaxSetupCalls");  // a fresh Jacobian every step: exact Newton
  check(KINSetFuncNormTol(k.mem, ftol), "KINSetFuncNormTol");  // max |f_i| <= ftol (unit scaling)
  check(KINSetScaledStepTol(k.mem, xtol), "KINSetScaledStepTol");
  check(KINSetNumMaxIters(k.mem, maxiter), "KINSetNumMaxIters");
  const int flag = KINSol(k.mem, k.u, KIN_LINESEARCH, k.scale, k.scale);
  long nni = 0;
  KINGetNumNonlinSolvIters(k.mem, &nni);
  RootResult r;
  r.x = Eigen::Map<const Vector>(N_VGetArrayPointer(k.u), static_cast<Eigen::Index>(n));
  r.fx = f(r.x);
  r.nit = nni;
  const double res = r.fx.allFinite() ? r.fx.lpNorm<Eigen::Infinity>() : HUGE_VAL;
  if (flag == KIN_SUCCESS || flag == KIN_INITIAL_GUESS_OK) {
    r.success = true;
    r.message = flag == KIN_SUCCESS ? "max |f_i| below ftol" : "x0 already satisfies ftol";
  } else if (flag == KIN_STEP_LT_STPTOL) {
    r.success = res <= std::sqrt(ftol);
    r.message = r.success ? "step below xtol" : "stagnated away from a root (step below xtol)";
  } else {
    ctx.checkCancelled();
    r.maxiter = flag == KIN_MAXITER_REACHED;
    r.message = "KINSOL stopped with " + flagName(flag) +
                (ud.last_error.empty() ? "" : ": " + ud.last_error);
  }
  return r;
}

}  // namespace sciagents::core::agents::opt
