package mailin

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Config configures the SMTP listener.
type Config struct {
	Addr     string // where to listen, e.g. ":25" or "127.0.0.1:2525"
	Domain   string // mail to any address at this domain is accepted; all else is refused
	MaxBytes int64  // the largest message accepted; 25 MiB when zero
	// MaxRecipients bounds the recipients of one message; 50 when zero.
	MaxRecipients int
	Timeout       time.Duration    // for each read and write; 5 minutes when zero
	TLS           *tls.Config      // offers STARTTLS when set
	Now           func() time.Time // for the Received header; time.Now when nil
}

// Server receives mail over SMTP and hands each message to deliver.
type Server struct {
	cfg     Config
	deliver func(ctx context.Context, raw []byte) error
	log     *slog.Logger
}

// NewServer returns a server that calls deliver with every message it
// accepts (with Return-Path and Received header fields added on top). When
// deliver fails the sender is told to try again later.
func NewServer(cfg Config, deliver func(ctx context.Context, raw []byte) error, logger *slog.Logger) *Server {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 25 << 20
	}
	if cfg.MaxRecipients <= 0 {
		cfg.MaxRecipients = 50
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Domain = strings.ToLower(strings.TrimSuffix(cfg.Domain, "."))
	return &Server{cfg: cfg, deliver: deliver, log: logger}
}

// ListenAndServe listens on Config.Addr and serves until ctx is cancelled.
func (s *Server) ListenAndServe(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("smtp listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve accepts connections on ln until ctx is cancelled, then closes ln
// and every connection and returns once all of its goroutines have ended.
// A delivery in progress sees its context cancelled; its sender gets no
// answer and will try again.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.cfg.Domain == "" {
		ln.Close()
		return errors.New("smtp: no domain configured")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tl := &trackingListener{Listener: ln, conns: map[net.Conn]struct{}{}}
	srv := smtp.NewServer(&backend{s: s, ctx: ctx})
	srv.Domain = s.cfg.Domain
	srv.MaxMessageBytes = s.cfg.MaxBytes
	srv.MaxRecipients = s.cfg.MaxRecipients
	srv.ReadTimeout, srv.WriteTimeout = s.cfg.Timeout, s.cfg.Timeout
	srv.TLSConfig = s.cfg.TLS
	srv.ErrorLog = logAdapter{s.log}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(tl) }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-served:
		served <- err // Serve ended on its own (the listener failed)
	}
	cancel()
	tl.closeAll()
	wait, stop := context.WithTimeout(context.Background(), 30*time.Second)
	defer stop()
	if serr := srv.Shutdown(wait); serr != nil && !errors.Is(serr, smtp.ErrServerClosed) && !errors.Is(serr, net.ErrClosed) {
		err = errors.Join(err, fmt.Errorf("smtp shutdown: %w", serr))
	}
	<-served
	return err
}

// backend makes a session per connection.
type backend struct {
	s   *Server
	ctx context.Context
}

// NewSession starts a session for a new connection.
func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, ctx: b.ctx, conn: c}, nil
}

// session is one SMTP conversation.
type session struct {
	s    *Server
	ctx  context.Context
	conn *smtp.Conn
	from string
	rcpt []string
}

// Mail records the envelope sender.
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

// Rcpt accepts recipients at the configured domain only.
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	at := strings.LastIndexByte(to, '@')
	if at <= 0 || !strings.EqualFold(strings.TrimSuffix(to[at+1:], "."), x.s.cfg.Domain) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "relaying denied: this server only takes mail for " + x.s.cfg.Domain}
	}
	x.rcpt = append(x.rcpt, to)
	return nil
}

// Data reads the message and delivers it.
func (x *session) Data(r io.Reader) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err // go-smtp answers ErrDataTooLarge with 552
	}
	raw := append(x.traceHeader(), body...)
	if err := x.s.deliver(x.ctx, raw); err != nil {
		x.s.log.Error("inbound mail not stored", "from", x.from, "size", len(raw), "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "the message could not be stored; try again later"}
	}
	x.s.log.Info("inbound mail received", "from", x.from, "size", len(raw))
	return nil
}

// traceHeader is the Return-Path and Received fields an MTA adds (RFC 5321
// section 4.4), built only from values with line breaks and odd characters
// removed.
func (x *session) traceHeader() []byte {
	remote := ""
	if c := x.conn.Conn(); c != nil {
		remote = c.RemoteAddr().String()
		if host, _, err := net.SplitHostPort(remote); err == nil {
			remote = host
		}
	}
	forRcpt := ""
	if len(x.rcpt) == 1 {
		forRcpt = " for <" + safe(x.rcpt[0]) + ">"
	}
	return fmt.Appendf(nil, "Return-Path: <%s>\r\nReceived: from %s ([%s])\r\n\tby %s (Parley) with ESMTP%s;\r\n\t%s\r\n",
		safe(x.from), safe(x.conn.Hostname()), safe(remote), x.s.cfg.Domain, forRcpt, x.s.cfg.Now().UTC().Format(time.RFC1123Z))
}

// safe keeps printable ASCII other than angle brackets, at most 200 bytes.
func safe(s string) string {
	s = strings.Map(func(r rune) rune {
		if r <= ' ' || r >= 0x7f || r == '<' || r == '>' {
			return -1
		}
		return r
	}, s)
	return clip(s, 200)
}

// Reset forgets the envelope.
func (x *session) Reset() {
	x.from, x.rcpt = "", nil
}

// Logout ends the session; there is nothing to free.
func (x *session) Logout() error { return nil }

// trackingListener remembers open connections so that Serve can close them
// all when it stops.
type trackingListener struct {
	net.Listener
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// Accept tracks each new connection, closing it at once after closeAll.
func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, l: l}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		c.Close()
	} else {
		l.conns[tc] = struct{}{}
	}
	return tc, nil
}

func (l *trackingListener) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for c := range l.conns {
		c.(*trackedConn).Conn.Close()
	}
	clear(l.conns)
}

type trackedConn struct {
	net.Conn
	l *trackingListener
}

// Close stops tracking the connection and closes it.
func (c *trackedConn) Close() error {
	c.l.mu.Lock()
	delete(c.l.conns, c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}

// logAdapter sends go-smtp's error log to slog.
type logAdapter struct{ log *slog.Logger }

// Printf logs a go-smtp error as a warning.
func (a logAdapter) Printf(format string, v ...any) { a.log.Warn("smtp: " + fmt.Sprintf(format, v...)) }

// Println logs a go-smtp error as a warning.
func (a logAdapter) Println(v ...any) { a.log.Warn("smtp: " + strings.TrimSpace(fmt.Sprintln(v...))) }
