package webhooks

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/parleycvd/parley/internal/errs"
)

// Webhook URLs are chosen by organisation admins outside the instance's
// operators, so a delivery must not become a way to reach the services
// next to Parley (SSRF): unless the operator allows private receivers, the
// dialer refuses every address that is not public, checked on the address
// actually dialled (after DNS, so a name re-pointed at 127.0.0.1 fails too).

// nonPublic are the ranges netip's predicates miss: shared address space
// (RFC 6598), IETF protocol assignments, benchmarking, 6to4 relays and
// NAT64, whose packets can end up in internal networks.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("2002::/16"),
}

// public tells whether ip is an address on the public internet.
func public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// refusePrivate is a net.Dialer Control function.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook receiver %s: %w", address, err)
	}
	if !public(ap.Addr()) {
		return fmt.Errorf("webhook receiver %s is not a public address; an operator may allow private receivers (webhooks-allow-private)", ap.Addr())
	}
	return nil
}

// newClient is the delivery client: no redirects, no proxy from the
// environment (a proxy would dial for us, past the address check).
func newClient(timeout time.Duration, allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: timeout}
	if !allowPrivate {
		d.Control = refusePrivate
	}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DialContext:         d.DialContext,
			TLSHandshakeTimeout: timeout,
			MaxIdleConnsPerHost: 2,
			IdleConnTimeout:     time.Minute,
		},
		// A redirect is an answer like any other non-2xx: not followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// checkReceiver refuses at creation what delivery would refuse: a host
// that is a literal non-public address or a local name.
func (s *Service) checkReceiver(rawURL string) (string, error) {
	u, err := CheckURL(rawURL)
	if err != nil || s.cfg.AllowPrivate {
		return u, err
	}
	parsed, _ := url.Parse(u) // CheckURL parsed it already
	host := strings.ToLower(parsed.Hostname())
	if ip, err := netip.ParseAddr(host); err == nil && !public(ip) {
		return "", errs.Field("url", "the webhook's address %s is not a public address", host)
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return "", errs.Field("url", "the webhook's address must be reachable on the internet, not localhost")
	}
	return u, nil
}
