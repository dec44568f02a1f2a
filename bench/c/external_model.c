/* The model program of bench/external_command: what `external.command` runs per evaluation.
 *   external_model add X1 X2     prints {"y": X1 + X2}              (overhead bound: no work)
 *   external_model burn N X      N million steps of a logistic map from X, prints {"y": ...}
 *                                (CPU bound: ~6 ms per million steps here, deterministic)
 * Plain C, dynamically linked like a typical simulation code; no input files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc == 4 && strcmp(argv[1], "add") == 0) {
    printf("{\"y\": %.17g}\n", strtod(argv[2], NULL) + strtod(argv[3], NULL));
    return 0;
  }
  if (argc == 4 && strcmp(argv[1], "burn") == 0) {
    const long steps = (long)(strtod(argv[2], NULL) * 1e6);
    double x = 0.1 + 0.8 * (strtod(argv[3], NULL) - (long)strtod(argv[3], NULL)), s = 0.0;
    for (long i = 0; i < steps; ++i) {
      x = 3.9 * x * (1.0 - x);
      s += x;
    }
    printf("{\"y\": %.17g}\n", steps > 0 ? s / (double)steps : x);
    return 0;
  }
  fprintf(stderr, "usage: external_model add X1 X2 | burn MILLION_STEPS X\n");
  return 2;
}
