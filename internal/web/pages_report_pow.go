package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// The anonymous report form carries a small proof of work, done by
// static/pow.js: find a nonce so that SHA-256(challenge + nonce) starts
// with powBits zero bits (about 65,000 hashes: a fraction of a second in a
// browser, a real cost to a program that posts thousands of reports). The
// challenge is a timestamp signed with an HMAC, so that it cannot be made
// up or solved far ahead.
//
// Choice: the proof is a signal, never a gate. The form must work without
// JavaScript, and a person who turns it off must still be able to report a
// vulnerability, so a report without a valid proof is accepted like any
// other; the form says so, and the missing proof is logged with the
// tracking ID for operators watching for floods. The gates against abuse
// are elsewhere: the honeypot field (refused), the transport's per-address
// rate limits, reports' quota for newcomers, and size limits. Nothing is
// stored, so a solved challenge can be reused until it expires; that is
// acceptable for a signal.
const (
	powBits = 16
	powTTL  = 24 * time.Hour // a report can take a long time to write
)

func powMAC(key []byte, ts string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("parley report form|" + ts))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// powChallenge issues a challenge at now.
func powChallenge(key []byte, now time.Time) string {
	ts := strconv.FormatInt(now.Unix(), 10)
	return ts + "." + powMAC(key, ts)
}

// powCheck says why a proof does not hold, or "" when it does.
func powCheck(key []byte, challenge, nonce string, now time.Time) string {
	if challenge == "" || nonce == "" {
		return "no proof of work (JavaScript off?)"
	}
	ts, mac, ok := strings.Cut(challenge, ".")
	unix, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil || !hmac.Equal([]byte(mac), []byte(powMAC(key, ts))) {
		return "challenge not issued by this process"
	}
	if at := time.Unix(unix, 0); now.Sub(at) > powTTL || at.Sub(now) > 5*time.Minute {
		return "challenge expired"
	}
	if len(nonce) > 20 {
		return "nonce too long"
	}
	sum := sha256.Sum256([]byte(challenge + nonce))
	if leadingZeros(sum[:]) < powBits {
		return "proof of work does not hold"
	}
	return ""
}

func leadingZeros(b []byte) int {
	n := 0
	for _, c := range b {
		if c != 0 {
			return n + bits.LeadingZeros8(c)
		}
		n += 8
	}
	return n
}
