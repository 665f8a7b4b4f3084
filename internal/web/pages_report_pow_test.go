package web

import (
	"strconv"
	"testing"
	"time"
)

func TestProofOfWork(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	ch := powChallenge(testKey, now)
	nonce := ""
	for n := 0; nonce == ""; n++ {
		if powCheck(testKey, ch, strconv.Itoa(n), now) == "" {
			nonce = strconv.Itoa(n)
		}
	}
	tests := []struct {
		name, challenge, nonce string
		at                     time.Time
		ok                     bool
	}{
		{"solved", ch, nonce, now.Add(time.Hour), true},
		{"missing", "", "", now, false},
		{"wrong nonce", ch, nonce + "1", now, false},
		{"forged challenge", "1795428000.AAAAAAAAAAAAAAAAAAAAAA", nonce, now, false},
		{"other timestamp", strconv.FormatInt(now.Unix()+1, 10) + ch[len(strconv.FormatInt(now.Unix(), 10)):], nonce, now, false},
		{"expired", ch, nonce, now.Add(powTTL + time.Minute), false},
		{"from the future", ch, nonce, now.Add(-time.Hour), false},
	}
	for _, tt := range tests {
		if why := powCheck(testKey, tt.challenge, tt.nonce, tt.at); (why == "") != tt.ok {
			t.Errorf("%s: powCheck = %q, want ok %v", tt.name, why, tt.ok)
		}
	}
}

var testKey = []byte("a test key of thirty-two bytes!!")
