package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP sends through an SMTP server (submission with STARTTLS, implicit
// TLS, or plain on a trusted local network).
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      string // "starttls" (default), "tls", or "none"
	Timeout  time.Duration
	Now      func() time.Time
}

// Send delivers m.
func (s SMTP) Send(ctx context.Context, m Message) error {
	raw, err := Compose(m, s.Now())
	if err != nil {
		return err
	}
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	var c *smtp.Client
	switch s.TLS {
	case "tls":
		c, err = smtp.DialTLS(addr, &tls.Config{ServerName: s.Host})
	case "none":
		c, err = smtp.Dial(addr)
	default:
		c, err = smtp.DialStartTLS(addr, &tls.Config{ServerName: s.Host})
	}
	if err != nil {
		return fmt.Errorf("smtp connect %s: %w", addr, err)
	}
	defer c.Close()
	c.CommandTimeout, c.SubmissionTimeout = timeout, timeout
	if s.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.Username, s.Password)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	from, to := addrOnly(m.From), addrOnly(m.To)
	if err := c.SendMail(from, []string{to}, bytes.NewReader(raw)); err != nil {
		return fmt.Errorf("smtp send to %s: %w", to, err)
	}
	return c.Quit()
}
