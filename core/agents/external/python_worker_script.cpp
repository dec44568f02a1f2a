// The worker script: imports the module once, then answers call frames until stdin closes or it
// has been idle for IDLE_S seconds. argv: MODULE FUNCTION IDLE_S CPU_S SHM_DIR SHM_MIN (CPU_S > 0:
// a CPU-time limit per call, set as RLIMIT_CPU before each call; SHM_DIR non-empty: 1-D results of
// SHM_MIN bytes and more go back in a shared-memory file there, see python_protocol.h). print() in
// user code goes to stderr, never into the protocol.
#include "core/agents/external/python_worker_script.h"

namespace sciagents::core::agents::external {

const char* pythonWorkerScript() {
  return R"PY(
import importlib.util, mmap, os, select, struct, sys, traceback
_P = struct.pack
_U32 = struct.Struct('<I')
_F64 = struct.Struct('<d')
def main():
    path, fname, idle_s, cpu_s = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    shm_dir, shm_min = sys.argv[5], int(sys.argv[6])
    fin, fout = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)  # print() in the user's code goes to stderr, never into the protocol
    def send(body):
        view = memoryview(_U32.pack(len(body)) + body)
        while view:
            view = view[os.write(fout, view):]
    def text(s):
        b = str(s).encode('utf-8', 'replace')
        return _U32.pack(len(b)) + b
    def error(e, tb):
        lines = traceback.format_exception(type(e), e, tb)
        tail = ''.join(lines[-8:])[-2000:]
        send(b'e' + text(type(e).__name__) + text(e) + text(tail))
    try:
        import numpy as np
    except Exception:
        np = None
    try:
        sys.path.insert(0, os.path.dirname(path))
        stem = os.path.splitext(os.path.basename(path))[0]
        name = stem if stem.isidentifier() else 'sciagents_model'
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError('cannot import %s' % path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
        if not hasattr(mod, fname):
            raise AttributeError('module %s has no function %r' % (path, fname))
        fn = getattr(mod, fname)
        if not callable(fn):
            raise TypeError('%s.%s is a %s, not a function' % (name, fname, type(fn).__name__))
    except BaseException as e:
        error(e, e.__traceback__)
        return
    versions = sys.version_info[:3] + (np.__version__ if np else 'none',)
    send(b'R' + text('%d.%d.%d numpy %s' % versions))

    def enc(v, top):
        if isinstance(v, float):
            return b'd' + _F64.pack(v)
        if isinstance(v, (int, bool)):
            return b'd' + _F64.pack(float(v))
        if np is not None:
            if isinstance(v, np.generic):
                return b'd' + _F64.pack(float(v))
            if isinstance(v, (list, tuple)):
                v = np.asarray(v, dtype=np.float64)
            if isinstance(v, np.ndarray):
                a = np.ascontiguousarray(v, dtype='<f8')
                if a.ndim == 0:
                    return b'd' + a.tobytes()
                if a.ndim == 1 and shm_dir and a.nbytes >= shm_min:
                    return b'A' + text(shared(a)) + _U32.pack(a.shape[0])
                if a.ndim == 1:
                    return b'a' + _U32.pack(a.shape[0]) + a.tobytes()
                if a.ndim == 2:
                    return b'm' + _P('<II', a.shape[0], a.shape[1]) + a.tobytes()
                raise TypeError('the function returned an array with %d dimensions; at most 2 are '
                                'supported' % a.ndim)
        elif isinstance(v, (list, tuple)):
            return b'a' + _U32.pack(len(v)) + _P('<%dd' % len(v), *[float(x) for x in v])
        if top and isinstance(v, dict):
            parts = [b'M', _U32.pack(len(v))]
            for k, x in v.items():
                kb = str(k).encode('utf-8')
                parts += [_P('<H', len(kb)), kb, enc(x, False)]
            return b''.join(parts)
        what = 'a dict inside a dict' if isinstance(v, dict) else 'a ' + type(v).__name__
        raise TypeError('the function returned %s; expected a number, a list or array of '
                        'numbers, or a dict of them' % what)

    offer = []  # [path, n]: the engine's file for this call's result (a 'V' frame)

    out_maps = {}  # the engine's offered files, mapped once (never handed to the user's code)

    def offered(name):
        mm = out_maps.get(name)
        if mm is None:
            if len(out_maps) >= 4:
                out_maps.pop(next(iter(out_maps))).close()
            fd = os.open(name, os.O_RDWR | os.O_NOFOLLOW)
            try:
                flags = mmap.MAP_SHARED | getattr(mmap, 'MAP_POPULATE', 0)
                mm = out_maps[name] = mmap.mmap(fd, os.fstat(fd).st_size, flags=flags)
            finally:
                os.close(fd)
        return mm

    def shared(a):  # a large result into shared memory: the engine's offer, else a file of ours
        if offer and a.shape[0] <= offer[1]:
            name = offer.pop(0)
            offer.clear()
            mm = offered(name)
            if len(mm) >= a.nbytes:
                dst = np.frombuffer(mm, '<f8', a.shape[0])
                dst[:] = a
                del dst
                return name
        name = os.path.join(shm_dir, 'sciagents-py-%d-%s' % (os.getpid(), os.urandom(8).hex()))
        fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.ftruncate(fd, a.nbytes)
            flags = mmap.MAP_SHARED | getattr(mmap, 'MAP_POPULATE', 0)
            with mmap.mmap(fd, a.nbytes, flags=flags) as mm:
                dst = np.frombuffer(mm, '<f8', a.shape[0])
                dst[:] = a
                del dst
        except BaseException:
            os.unlink(name)
            raise
        finally:
            os.close(fd)
        return name

    def mapped(name, n):  # a call's input array in a shared-memory file: mapped, not copied
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW)
        try:  # copy-on-write: the function may change its arguments in place
            mm = mmap.mmap(fd, 8 * n, access=mmap.ACCESS_COPY)
        finally:
            os.close(fd)
        try:  # MADV_POPULATE_READ (Linux 5.14): map every page at once, without copying
            mm.madvise(22)
        except (AttributeError, OSError, ValueError):
            pass
        if np is not None:
            return np.frombuffer(mm, '<f8', n)
        return list(struct.unpack_from('<%dd' % n, mm, 0))

    def dec(body):
        (count,) = _U32.unpack_from(body, 1)
        off, args = 5, {}
        for _ in range(count):
            (ln,) = struct.unpack_from('<H', body, off)
            key = body[off + 2:off + 2 + ln].decode('utf-8')
            off += 2 + ln
            tag = body[off]
            off += 1
            if tag == 100:  # 'd'
                (args[key],) = _F64.unpack_from(body, off)
                off += 8
            elif tag == 97:  # 'a'
                (n,) = _U32.unpack_from(body, off)
                off += 4
                args[key] = (np.frombuffer(body, '<f8', n, off).copy() if np is not None
                             else list(struct.unpack_from('<%dd' % n, body, off)))
                off += 8 * n
            elif tag == 115:  # 's'
                (ln,) = _U32.unpack_from(body, off)
                name = body[off + 4:off + 4 + ln].decode('utf-8')
                (n,) = _U32.unpack_from(body, off + 4 + ln)
                off += 8 + ln
                args[key] = mapped(name, n)
            else:  # 'm'
                r, c = struct.unpack_from('<II', body, off)
                off += 8
                if np is not None:
                    args[key] = np.frombuffer(body, '<f8', r * c, off).reshape(r, c).copy()
                else:
                    flat = struct.unpack_from('<%dd' % (r * c), body, off)
                    args[key] = [list(flat[i * c:(i + 1) * c]) for i in range(r)]
                off += 8 * r * c
        offer.clear()
        if body[0] == 86:  # 'V': the engine offers a file for a 1-D result
            (ln,) = _U32.unpack_from(body, off)
            offer.append(body[off + 4:off + 4 + ln].decode('utf-8'))
            offer.append(_U32.unpack_from(body, off + 4 + ln)[0])
        return args

    buf = bytearray()
    while True:
        need = 4
        if len(buf) >= 4:
            need = 4 + _U32.unpack_from(buf, 0)[0]
        while len(buf) < need:
            if not select.select([fin], [], [], idle_s)[0]:
                return  # idle too long: the pool starts a new worker when one is needed
            chunk = os.read(fin, max(1 << 16, need - len(buf)))
            if not chunk:
                return  # the engine closed the pipe
            buf += chunk
            if need == 4 and len(buf) >= 4:
                need = 4 + _U32.unpack_from(buf, 0)[0]
        body = bytes(buf[4:need])
        del buf[:need]
        if cpu_s > 0:  # this call's CPU time limit: SIGXCPU ends the worker beyond it
            import resource
            ru = resource.getrusage(resource.RUSAGE_SELF)
            soft = int(ru.ru_utime + ru.ru_stime + cpu_s) + 1
            hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
            resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
        try:
            out = b'r' + enc(fn(**dec(body)), True)
        except BaseException as e:
            error(e, e.__traceback__.tb_next if e.__traceback__ else None)
            continue
        send(out)
main()
)PY";
}

}  // namespace sciagents::core::agents::external
