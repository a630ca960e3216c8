import Glibc

/// A self-pipe: any thread calls ``wake()``; the UI thread's `poll` sees the read end become
/// readable (spike.md §5: 0.09 ms median wake-up).
final class WakePipe: Sendable {
    let readFD: Int32
    let writeFD: Int32

    init() throws(StudioError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw StudioError("cannot create the wake-up pipe") }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    /// Wakes the UI loop; safe from any thread. A full pipe already means "awake".
    func wake() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Empties the pipe after a wake-up.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buffer, buffer.count) > 0 {}
    }

    // The pipe lives as long as anyone (a traffic source's wake handler) can still write to it.
    deinit {
        close(readFD)
        close(writeFD)
    }
}
