"""The gunicorn worker of ``serve --prod``: threads, with slow clients bounded.

gunicorn's ``sync`` worker gives one whole process to each connection, so five idle TCP
connections stopped a five-worker service until gunicorn's timeout. This worker is gunicorn's
``gthread`` worker with three changes:

* A request's head (request line and headers) is read in the worker's poller, not in a
  thread: only a complete head is handed to a thread, and a connection whose head is not
  complete within ``HEAD_SECONDS`` of the first byte being awaited is closed. Idle and
  trickling clients, new or kept alive, therefore hold no thread at all. (gthread itself
  gives each new connection a thread for 5 s and then reads the head in the thread.)
* Every accepted socket gets kernel receive and send timeouts (``SO_RCVTIMEO``,
  ``SO_SNDTIMEO``) of ``CLIENT_TIMEOUT`` seconds, so a client that stops sending its body, or
  stops reading its answer, frees its thread within that time. Such a closed connection is
  logged as one line, not a traceback. (A body trickled one byte every few seconds still holds
  a thread: nginx in front buffers bodies; see the README.)
* gunicorn's own error answers (a malformed request, a too-long request line or too many or
  too large headers: 400, 414, 431) use the service's JSON error shape and security headers.

Whoosh searchers are not thread-safe; :func:`search_service.engine.search.search` holds the
generation's per-process lock around every use of one, so threads of a worker search one at a
time (the work is CPU-bound under the GIL anyway) while other threads read requests, fetch
records and write answers.
"""

from __future__ import annotations

import errno
import json
import logging
import selectors
import socket
import struct
import time
from functools import partial
from typing import Any

from gunicorn.http import errors as http_errors
from gunicorn.workers.gthread import TConn, ThreadWorker

from search_service.production.security import DEFAULT_HEADERS, render_policy

__all__ = ["BoundedThreadWorker", "CLIENT_TIMEOUT", "error_answer", "SlowClientFilter"]

CLIENT_TIMEOUT = 10  # seconds a thread waits on one read from, or one write to, a client
HEAD_SECONDS = 5  # a request's line and headers must arrive within this
HEAD_END = b"\r\n\r\n"

# gunicorn's request-parsing errors -> (status, reason, message for a person)
_CLIENT_ERRORS: tuple[tuple[type[Exception], int, str, str], ...] = (
    (http_errors.LimitRequestLine, 414, "URI Too Long",
     "The address is too long: at most {line:,} characters. Use fewer filters or a shorter "
     "query."),
    (http_errors.LimitRequestHeaders, 431, "Request Header Fields Too Large",
     "The request's headers are too many or too large: at most {fields} headers of "
     "{field:,} bytes each."),
    (http_errors.UnsupportedTransferCoding, 501, "Not Implemented",
     "That Transfer-Encoding is not supported: send the body plainly or chunked."),
    (http_errors.ExpectationFailed, 417, "Expectation Failed",
     "Only 'Expect: 100-continue' is supported."),
    (http_errors.ForbiddenProxyRequest, 403, "Forbidden", "Proxy requests are not allowed."),
    (http_errors.ParseException, 400, "Bad Request",
     "The request could not be read as HTTP/1.1."),
)

# Parse errors that are the application's or the configuration's fault, not the client's.
_OUR_FAULTS = (http_errors.InvalidResponseHeader, http_errors.InvalidResponseHeaderName,
               http_errors.ConfigurationProblem)


def error_answer(status: int, reason: str, message: str) -> bytes:
    """A complete HTTP response in the service's one JSON error shape, with security headers."""
    body = json.dumps({"ok": False, "status": status, "error": message}).encode()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body)),
               "Connection": "close", "Content-Security-Policy": render_policy(),
               **DEFAULT_HEADERS}
    head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    return head.encode("latin-1") + body


class SlowClientFilter(logging.Filter):
    """Turns gunicorn's traceback for a client that timed out into one informative line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        timed_out = isinstance(error, TimeoutError) or (
            isinstance(error, OSError) and error.errno in (errno.EAGAIN, errno.EWOULDBLOCK))
        if timed_out:
            record.msg = "closed a connection: the client sent or read nothing for %d s"
            record.args = (CLIENT_TIMEOUT,)
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


class _Conn(TConn):  # type: ignore[misc]
    """A connection whose first request head the poller has already read."""

    head = b""

    def init(self) -> None:
        fresh = not self.initialized
        super().init()
        if fresh and self.head and self.parser is not None:
            self.parser.unreader.unread(self.head)
            self.head = b""


class BoundedThreadWorker(ThreadWorker):  # type: ignore[misc]
    def init_process(self) -> None:
        self.log.error_log.addFilter(SlowClientFilter())
        super().init_process()

    def accept(self, listener: socket.socket) -> None:
        try:
            client, address = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        bound = struct.pack("ll", CLIENT_TIMEOUT, 0)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, bound)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, bound)
        self._await_head(_Conn(self.cfg, client, address, listener.getsockname()))

    def on_client_socket_readable(self, conn: TConn, client: socket.socket) -> None:
        """A kept-alive connection's next request: its head is read in the poller too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._await_head(conn)

    def _await_head(self, conn: TConn) -> None:
        # gthread's own queue of connections waiting for data: murder_pending() closes them
        # at conn.timeout. Every entry here has the same delay, which keeps it in order.
        conn.sock.setblocking(False)
        conn.timeout = time.monotonic() + HEAD_SECONDS
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ,
                             partial(self._on_head_bytes, conn, bytearray()))

    def _on_head_bytes(self, conn: TConn, head: bytearray, client: socket.socket) -> None:
        try:
            data = client.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if data:
            head += data
            if HEAD_END not in head and len(head) <= self.cfg.limit_request_line + (
                    self.cfg.limit_request_fields * self.cfg.limit_request_field_size):
                return  # wait in the poller for the rest
        self.poller.unregister(client)
        self.pending_conns.remove(conn)
        if not data:  # closed by the client before a complete head
            self.nr_conns -= 1
            conn.close()
            return
        if conn.initialized:
            conn.parser.unreader.unread(bytes(head))
        else:
            conn.head = bytes(head)
        conn.data_ready = True
        self.enqueue_req(conn)

    def handle_error(self, req: Any, client: socket.socket, addr: Any, exc: Exception) -> None:
        ours = isinstance(exc, _OUR_FAULTS)
        for kind, code, reason, message in _CLIENT_ERRORS:
            if isinstance(exc, kind) and not ours:
                status = code
                self.log.warning("refused a request that could not be read: %s (%s)",
                                 reason, str(exc)[:200])
                text = message.format(line=self.cfg.limit_request_line,
                                      fields=self.cfg.limit_request_fields,
                                      field=self.cfg.limit_request_field_size)
                break
        else:
            self.log.exception("error handling a request")
            status, reason = 500, "Internal Server Error"
            text = "Something went wrong on our side. It has been logged; please try again."
        try:
            client.sendall(error_answer(status, reason, text))
        except OSError:
            self.log.debug("could not send the error answer")
