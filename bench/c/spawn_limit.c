/* The limit row of bench/external_command: what any launcher pays per evaluation of a program,
 * without a task layer. Each evaluation: a pipe for stdout, vfork + execve of the program with its
 * argv, read stdout to EOF, waitpid, parse the number after "y": (strtod). T threads share the
 * evaluations (each runs N/T of them).
 *   spawn_limit T N REPS PROGRAM ARGS...   (an argument "@" is replaced by the evaluation index)
 * Prints the median wall ms per evaluation over REPS, CPU ms per evaluation (this process and its
 * children; the launcher's own CPU alone too) and the checksum of the parsed outputs. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

static int g_n, g_argc, g_threads;
static char** g_argv;
static double g_sums[32];

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpuOf(int who) {
  struct rusage u;
  getrusage(who, &u);
  return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

static double evaluate(int index) {
  char num[32], *args[64];
  snprintf(num, sizeof num, "%d", index);
  int k = 0;
  for (; k < g_argc && k < 63; ++k) args[k] = strcmp(g_argv[k], "@") == 0 ? num : g_argv[k];
  args[k] = NULL;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return 0.0;
  pid_t pid = vfork();
  if (pid == 0) {
    dup2(fds[1], 1);
    execve(args[0], args, environ);
    _exit(127);
  }
  close(fds[1]);
  char buf[4096];
  size_t used = 0;
  ssize_t got;
  while ((got = read(fds[0], buf + used, sizeof buf - 1 - used)) > 0) used += (size_t)got;
  close(fds[0]);
  buf[used] = 0;
  int status;
  waitpid(pid, &status, 0);
  const char* y = strstr(buf, "\"y\":");
  return y ? strtod(y + 4, NULL) : 0.0;
}

static void* worker(void* arg) {
  const int t = (int)(long)arg;
  double s = 0.0;
  for (int i = t; i < g_n; i += g_threads) s += evaluate(i);
  g_sums[t] = s;
  return NULL;
}

static int cmp(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: spawn_limit THREADS N REPS PROGRAM ARGS...\n");
    return 2;
  }
  const int threads = atoi(argv[1]), reps = atoi(argv[3]);
  g_n = atoi(argv[2]);
  g_threads = threads;
  g_argc = argc - 4;
  g_argv = argv + 4;
  if (threads < 1 || threads > 32 || reps < 1 || reps > 99 || g_n < 1) return 2;
  double wall[99], cpu[99], self[99], sum = 0.0;
  for (int r = 0; r < reps; ++r) {
    const double t0 = now(), s0 = cpuOf(RUSAGE_SELF), c0 = cpuOf(RUSAGE_CHILDREN);
    pthread_t th[32];
    for (int t = 0; t < threads; ++t) pthread_create(&th[t], NULL, worker, (void*)(long)t);
    sum = 0.0;
    for (int t = 0; t < threads; ++t) {
      pthread_join(th[t], NULL);
      sum += g_sums[t];
    }
    wall[r] = (now() - t0) / g_n;
    self[r] = (cpuOf(RUSAGE_SELF) - s0) / g_n;
    cpu[r] = self[r] + (cpuOf(RUSAGE_CHILDREN) - c0) / g_n;
  }
  qsort(wall, (size_t)reps, sizeof wall[0], cmp);
  qsort(cpu, (size_t)reps, sizeof cpu[0], cmp);
  qsort(self, (size_t)reps, sizeof self[0], cmp);
  printf(
      "median %.4f ms per evaluation (cpu %.4f ms)  launcher cpu %.4f ms  threads %d  n %d  "
      "checksum %.10g\n",
      wall[reps / 2] * 1e3, cpu[reps / 2] * 1e3, self[reps / 2] * 1e3, threads, g_n, sum);
  return 0;
}
