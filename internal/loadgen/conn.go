package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"syscall"
	"time"
)

// worker sends requests one at a time over its own keep-alive connection
// (dialled when first needed, again after the server closed it) and keeps
// its own counts, merged when the run ends. Used by one goroutine.
type worker struct {
	addr string
	next chan int // its next request (-1: the run is over), see dispatch
	conn net.Conn
	br   *bufio.Reader
	// waited: the connection was open before this request (it carried a
	// response, or was opened ahead of the run), so the server may have
	// closed it while it was idle. A fresh one's first request cannot be
	// in that case, and is not sent twice.
	waited bool

	lat          []time.Duration // of OK answers
	kinds        [16]int         // OK answers by type
	shed, failed int
	dials        int
}

// do sends one request and records its outcome, latency counted from due.
func (w *worker) do(ctx context.Context, req []byte, due time.Time) {
	status, kind, err := w.exchange(ctx, req)
	if err != nil && w.waited && errors.Is(err, errStale) {
		// The server closed the connection while it was idle (nothing of
		// the response came): send again on a new one, as HTTP clients do.
		// A connection opened before the run and first used seconds into
		// it is closed so by a server's header timeout (net/http's
		// ReadHeaderTimeout runs from the accept for a first request).
		status, kind, err = w.exchange(ctx, req)
	}
	switch {
	case err != nil:
		w.failed++
	case status == 200:
		w.lat = append(w.lat, time.Since(due))
		if kind >= 0 && kind < len(w.kinds) {
			w.kinds[kind]++
		}
	case status == 503:
		w.shed++
	default:
		w.failed++
	}
}

var errStale = errors.New("connection closed before a response")

func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// exchange writes req and reads its response: the status, and the answer's
// "type" when the body is a JSON object starting with it (-1 otherwise).
func (w *worker) exchange(ctx context.Context, req []byte) (int, int, error) {
	if w.conn == nil {
		if err := w.dial(ctx); err != nil {
			return 0, 0, err
		}
	}
	w.conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := w.conn.Write(req); err != nil {
		w.close()
		return 0, 0, errStale
	}
	status, kind, keep, err := readResponse(w.br)
	if err != nil || !keep {
		w.close()
	} else {
		w.waited = true
	}
	return status, kind, err
}

// dial opens the worker's connection.
func (w *worker) dial(ctx context.Context) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", w.addr)
	if err != nil {
		return err
	}
	w.conn, w.waited, w.dials = c, false, w.dials+1
	if w.br == nil {
		w.br = bufio.NewReaderSize(c, 4096)
	} else {
		w.br.Reset(c)
	}
	return nil
}

func (w *worker) close() {
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}

// readResponse reads one HTTP/1.1 response from br: its status, the answer's
// type (-1 when the body does not start with {"type":N), and whether the
// connection may carry another request.
func readResponse(br *bufio.Reader) (status, kind int, keep bool, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		if len(line) == 0 && (err == io.EOF || errors.Is(err, net.ErrClosed) || isReset(err)) {
			return 0, 0, false, errStale
		}
		return 0, 0, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, 0, false, errors.New("not an HTTP/1.1 status line")
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, 0, false, err
	}
	length, chunked, keep := -1, false, true
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return 0, 0, false, err
		}
		h := bytes.TrimRight(line, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, _ := bytes.Cut(h, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return 0, 0, false, errors.New("bad Content-Length")
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		}
	}
	kind = -1
	switch {
	case status == 204 || status == 304 || (status >= 100 && status < 200):
	case chunked:
		kind, err = readChunked(br)
	case length >= 0:
		kind = answerType(peek(br, length))
		_, err = br.Discard(length)
	default:
		// The body runs to the end of the connection.
		kind = answerType(peek(br, br.Buffered()))
		_, err = io.Copy(io.Discard, br)
		keep = false
	}
	if err != nil {
		return 0, 0, false, err
	}
	return status, kind, keep, nil
}

// readChunked reads a chunked body and returns the answer's type, read from
// the first chunk.
func readChunked(br *bufio.Reader) (int, error) {
	kind, first := -1, true
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		size, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
		n, err := strconv.ParseInt(string(size), 16, 64)
		if err != nil || n < 0 {
			return 0, errors.New("bad chunk size")
		}
		if n == 0 {
			for { // trailers, then the empty line
				line, err := br.ReadSlice('\n')
				if err != nil {
					return 0, err
				}
				if len(bytes.TrimRight(line, "\r\n")) == 0 {
					return kind, nil
				}
			}
		}
		if first {
			kind, first = answerType(peek(br, int(n))), false
		}
		if _, err := br.Discard(int(n) + 2); err != nil { // the chunk and its CRLF
			return 0, err
		}
	}
}

// peek returns up to the first 16 of the next n bytes without consuming them.
func peek(br *bufio.Reader, n int) []byte {
	b, _ := br.Peek(min(n, 16))
	return b
}

// answerType reads N from a body starting {"type":N (an interaction
// response, whose first field is its type), or returns -1.
func answerType(b []byte) int {
	rest, ok := bytes.CutPrefix(b, []byte(`{"type":`))
	if !ok {
		return -1
	}
	n, digits := 0, 0
	for _, c := range rest {
		if c < '0' || c > '9' {
			break
		}
		n, digits = n*10+int(c-'0'), digits+1
	}
	if digits == 0 {
		return -1
	}
	return n
}
