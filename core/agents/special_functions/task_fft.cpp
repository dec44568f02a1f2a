// special_functions.fft: FFT / inverse / real FFTs and DCT-II (Eigen's FFT module, kissfft
// backend), with NumPy's `n` and `norm` conventions.
#include "core/agents/special_functions/tasks.h"
#include "core/util/error.h"

#include <unsupported/Eigen/FFT>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <vector>

namespace sciagents::core::agents::special {

namespace {
using Cx = std::complex<double>;
using CVec = std::vector<Cx>;

struct Input {
  std::string kind, norm;
  CVec x;
  std::int64_t n = 0;  // transform length (output length for irfft)
};

Vector readReal(const TaskContext& ctx, const std::string& name) {
  Vector v = ctx.vector(name);
  for (Eigen::Index i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]))
      throw paramError(name, "entry " + std::to_string(i) + " is not finite");
  return v;
}

Input readInput(const TaskContext& ctx) {
  Input in{ctx.text("kind"), ctx.text("norm"), {}, 0};
  Vector re, im;
  if (ctx.has("x")) {
    if (ctx.has("x_real") || ctx.has("x_imag"))
      throw paramError("x", "give either x or x_real/x_imag, not both");
    re = readReal(ctx, "x");
  } else if (ctx.has("x_real")) {
    re = readReal(ctx, "x_real");
    if (ctx.has("x_imag")) {
      im = readReal(ctx, "x_imag");
      if (im.size() != re.size())
        throw paramError("x_imag", "length " + std::to_string(im.size()) +
                                       " differs from x_real's " + std::to_string(re.size()));
    }
  } else {
    throw paramError("x", "missing input: give x (real) or x_real (and x_imag)");
  }
  if (re.size() == 0) throw paramError("x", "the input is empty");
  if ((in.kind == "rfft" || in.kind == "dct") && im.size() && im.cwiseAbs().maxCoeff() > 0)
    throw paramError("x_imag", in.kind + " takes real input; use fft for complex input");
  in.x.resize(static_cast<std::size_t>(re.size()));
  for (Eigen::Index i = 0; i < re.size(); ++i)
    in.x[static_cast<std::size_t>(i)] = {re[i], im.size() ? im[i] : 0.0};
  const auto m = static_cast<std::int64_t>(in.x.size());
  in.n = ctx.has("n") ? ctx.integer("n") : in.kind == "irfft" ? 2 * (m - 1) : m;
  if (in.n < 1)
    throw paramError("n", "irfft of " + std::to_string(m) + " coefficients: give n >= 1");
  return in;
}

// Input cropped or zero-padded to `len`, as NumPy's n.
CVec fit(const CVec& x, std::int64_t len) {
  CVec y(static_cast<std::size_t>(len), Cx(0, 0));
  for (std::size_t i = 0; i < y.size() && i < x.size(); ++i) y[i] = x[i];
  return y;
}

// kissfft keeps its twiddle tables per object: reuse one per thread and flag set (building the
// tables costs more than the transform itself).
Eigen::FFT<double>& plan(bool half) {
  thread_local Eigen::FFT<double> full_plan, half_plan;
  Eigen::FFT<double>& f = half ? half_plan : full_plan;
  f.SetFlag(Eigen::FFT<double>::Unscaled);
  if (half) f.SetFlag(Eigen::FFT<double>::HalfSpectrum);
  return f;
}

CVec dft(const CVec& x, bool inverse) {
  Eigen::FFT<double>& f = plan(false);
  CVec y;
  if (inverse)
    f.inv(y, x);
  else
    f.fwd(y, x);
  return y;
}

// Scale of the forward (inverse = false) or inverse transform for NumPy's norm modes.
double scale(const std::string& norm, bool inverse, double n) {
  if (norm == "ortho") return 1.0 / std::sqrt(n);
  return (norm == "forward") != inverse ? 1.0 / n : 1.0;
}

struct Result {
  CVec y;
  bool real_output = false;
};

Result transform(const Input& in) {
  const double n = static_cast<double>(in.n);
  Result r;
  const bool real_in =
      std::all_of(in.x.begin(), in.x.end(), [](const Cx& v) { return v.imag() == 0; });
  if ((in.kind == "rfft" || in.kind == "fft") && (real_in || in.kind == "rfft")) {
    // Real input: kissfft's real transform does half the work (HalfSpectrum for rfft).
    std::vector<double> xr(static_cast<std::size_t>(in.n), 0.0);
    for (std::size_t i = 0; i < xr.size() && i < in.x.size(); ++i) xr[i] = in.x[i].real();
    plan(in.kind == "rfft").fwd(r.y, xr);
    const double sc = scale(in.norm, false, n);
    if (sc != 1.0)
      for (auto& v : r.y) v *= sc;
  } else if (in.kind == "fft" || in.kind == "ifft" || in.kind == "rfft") {
    const bool inv = in.kind == "ifft";
    CVec x = fit(in.x, in.n);
    if (in.kind == "rfft")
      for (auto& v : x) v = {v.real(), 0.0};
    r.y = dft(x, inv);
    for (auto& v : r.y) v *= scale(in.norm, inv, n);
    if (in.kind == "rfft") r.y.resize(static_cast<std::size_t>(in.n / 2 + 1));
  } else if (in.kind == "irfft") {
    // Hermitian extension of the n/2+1 coefficients (imaginary parts of DC/Nyquist are ignored, as
    // NumPy).
    const std::size_t len = static_cast<std::size_t>(in.n), half = len / 2 + 1;
    CVec full(len, Cx(0, 0));
    for (std::size_t k = 0; k < half && k < in.x.size(); ++k) full[k] = in.x[k];
    full[0] = {full[0].real(), 0.0};
    if (len % 2 == 0 && half - 1 < in.x.size()) full[half - 1] = {full[half - 1].real(), 0.0};
    for (std::size_t k = 1; k < half; ++k) full[len - k] = std::conj(full[k]);
    r.y = dft(full, true);
    for (auto& v : r.y) v = {v.real() * scale(in.norm, true, n), 0.0};
    r.real_output = true;
  } else {  // dct: type II via one complex FFT of the even/odd reordering (Makhoul)
    const CVec x = fit(in.x, in.n);
    const std::size_t len = x.size();
    CVec v(len);
    for (std::size_t i = 0; i < (len + 1) / 2; ++i) v[i] = x[2 * i].real();
    for (std::size_t i = 0; i < len / 2; ++i) v[len - 1 - i] = x[2 * i + 1].real();
    const CVec f = dft(v, false);
    r.y.resize(len);
    for (std::size_t k = 0; k < len; ++k) {
      const double ang = -std::numbers::pi * static_cast<double>(k) / (2 * n);
      double y =
          2 * (f[k] * Cx(std::cos(ang), std::sin(ang))).real();  // SciPy's unnormalised DCT-II
      if (in.norm == "ortho")
        y *= k == 0 ? std::sqrt(1 / (4 * n)) : std::sqrt(1 / (2 * n));
      else if (in.norm == "forward")
        y /= 2 * n;
      r.y[k] = {y, 0.0};
    }
    r.real_output = true;
  }
  return r;
}

// Direct O(n) evaluation of output index k (validate hook).
Cx direct(const Input& in, std::size_t k) {
  const double n = static_cast<double>(in.n), pi = std::numbers::pi;
  Cx s(0, 0);
  if (in.kind == "dct") {
    for (std::size_t j = 0; j < in.x.size() && j < static_cast<std::size_t>(in.n); ++j)
      s += 2 * in.x[j].real() *
           std::cos(pi * static_cast<double>(k) * (2.0 * static_cast<double>(j) + 1) / (2 * n));
    if (in.norm == "ortho")
      s *= k == 0 ? std::sqrt(1 / (4 * n)) : std::sqrt(1 / (2 * n));
    else if (in.norm == "forward")
      s /= 2 * n;
    return s;
  }
  const bool inv = in.kind == "ifft" || in.kind == "irfft";
  const double sign = inv ? 1.0 : -1.0;
  auto term = [&](std::size_t j, Cx v) {
    const double ang = sign * 2 * pi * static_cast<double>(k) * static_cast<double>(j) / n;
    return v * Cx(std::cos(ang), std::sin(ang));
  };
  if (in.kind == "irfft") {
    const std::size_t len = static_cast<std::size_t>(in.n), half = len / 2 + 1;
    for (std::size_t j = 0; j < len; ++j) {
      const std::size_t src = j < half ? j : len - j;
      if (src >= in.x.size()) continue;
      Cx v = in.x[src];
      if (src == 0 || (len % 2 == 0 && src == half - 1)) v = {v.real(), 0.0};
      s += term(j, j < half ? v : std::conj(v));
    }
    return {s.real() * scale(in.norm, true, n), 0.0};
  }
  for (std::size_t j = 0; j < in.x.size() && j < static_cast<std::size_t>(in.n); ++j)
    s += term(j, in.kind == "rfft" ? Cx(in.x[j].real(), 0.0) : in.x[j]);
  return s * scale(in.norm, inv, n);
}

void runFft(TaskContext& ctx) {
  const Input in = readInput(ctx);
  const Result r = transform(in);
  const auto len = static_cast<Eigen::Index>(r.y.size());
  Vector re(len), im(len);
  for (Eigen::Index i = 0; i < len; ++i)
    re[i] = r.y[static_cast<std::size_t>(i)].real(),
    im[i] = r.y[static_cast<std::size_t>(i)].imag();
  if (r.real_output)
    ctx.output("y", re);
  else {
    ctx.output("real", re);
    ctx.output("imag", im);
  }
  std::int64_t m = in.n;
  while (m % 2 == 0) m /= 2;
  ctx.setMethod(
      "kissfft",
      in.kind + " of length " + std::to_string(in.n) + " with Eigen's FFT (kissfft, mixed radix)" +
          (in.kind == "dct" ? "; DCT-II through one complex FFT of the even/odd reordering" : ""));
  ctx.diagnostic("n", in.n);
  ctx.diagnostic("norm", in.norm);
  if (m > 1000 && in.n > 10000)
    ctx.diagnostic("note", "length has a large odd factor (" + std::to_string(m) +
                               "): slower than a power of 2");
}

}  // namespace

TaskSpec fftTask() {
  TaskSpec t;
  t.id = "fft";
  t.summary =
      "Fast Fourier transforms (fft, ifft, rfft, irfft) and DCT-II with NumPy's n and norm "
      "conventions.";
  t.doc =
      "Transforms `x` (real) or `x_real` + `x_imag` (complex). kind: `fft` y_k = sum_j x_j e^{-2 "
      "pi i jk/n}; `ifft` the "
      "inverse (1/n by default); `rfft` the n/2+1 non-negative frequencies of a real input; "
      "`irfft` the real signal of "
      "length n (default 2(m-1)) from m coefficients; `dct` SciPy's type-II DCT y_k = 2 sum_j x_j "
      "cos(pi k(2j+1)/(2n)) "
      "(`norm: ortho` makes it orthonormal). `n` crops or zero-pads the input (output length for "
      "irfft); `norm` is "
      "NumPy's: backward (forward unscaled, inverse 1/n), ortho (1/sqrt(n) both ways), forward "
      "(forward 1/n). Complex "
      "results are `real` and `imag`; real results (irfft, dct) are `y`. Any length works (kissfft "
      "mixed radix); powers "
      "of 2 and lengths with small prime factors are fastest.";
  t.params = {
      ParamSpec::make("x", ParamType::Vector).describe("Real input signal."),
      ParamSpec::make("x_real", ParamType::Vector)
          .describe("Real part of a complex input (instead of x)."),
      ParamSpec::make("x_imag", ParamType::Vector)
          .describe("Imaginary part of a complex input (default 0)."),
      ParamSpec::make("kind", ParamType::Choice)
          .oneOf({"fft", "ifft", "rfft", "irfft", "dct"})
          .def("fft")
          .describe("Transform."),
      ParamSpec::make("n", ParamType::Integer)
          .range(1, std::nullopt)
          .describe("Transform length: crop or zero-pad the input (irfft: output length)."),
      ParamSpec::make("norm", ParamType::Choice)
          .oneOf({"backward", "ortho", "forward"})
          .def("backward")
          .describe("Normalisation as NumPy."),
  };
  t.outputs = {
      {"real", ValueKind::Vector, "Real part of a complex result (fft, ifft, rfft)."},
      {"imag", ValueKind::Vector, "Imaginary part of a complex result."},
      {"y", ValueKind::Vector, "Real result (irfft, dct)."},
  };
  t.run = runFft;
  t.analyze = [](const TaskContext& ctx) {
    const Input in = readInput(ctx);
    std::int64_t m = in.n;
    while (m % 2 == 0) m /= 2;
    return Map{{"n", in.n}, {"power_of_two", m == 1}, {"odd_factor", m}};
  };
  t.validate = [](const TaskContext& ctx, const Map& outputs) -> std::vector<ValidationCheck> {
    const Input in = readInput(ctx);
    const bool real_out = outputs.count("y") > 0;
    const Vector re = real_out                ? outputs.at("y").toVector()
                      : outputs.count("real") ? outputs.at("real").toVector()
                                              : Vector();
    const Vector im =
        outputs.count("imag") ? outputs.at("imag").toVector() : Vector::Zero(re.size());
    if (re.size() == 0) return {};
    double worst = 0, mag = 0;
    const Eigen::Index m = std::min<Eigen::Index>(16, re.size());
    for (Eigen::Index s = 0; s < m; ++s) {
      const Eigen::Index k = m == 1 ? 0 : s * (re.size() - 1) / (m - 1);
      const Cx d = direct(in, static_cast<std::size_t>(k));
      const double diff = std::abs(d - Cx(re[k], im[k]));
      worst = std::isfinite(diff) ? std::max(worst, diff) : std::numeric_limits<double>::infinity();
      mag = std::max(mag, std::abs(d));
    }
    double xnorm = 0;
    for (const auto& v : in.x) xnorm += std::abs(v);
    const double limit =
        1e-12 * std::max(xnorm, 1e-300) * std::max(1.0, std::log2(static_cast<double>(in.n)));
    return {{"direct_sum_difference", worst, limit, worst <= limit,
             "max |FFT - direct O(n) sum| at " + std::to_string(m) +
                 " output indices (limit 1e-12 sum|x| log2 n)"}};
  };
  return t;
}

}  // namespace sciagents::core::agents::special
