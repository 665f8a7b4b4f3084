package threads

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxMentions bounds the mentions of one post that count; later ones stay
// plain text.
const MaxMentions = 20

// maxMentionName bounds one mention (an e-mail address is at most 254).
const maxMentionName = 254

// Mentions returns the names a post's Markdown mentions, in order, each
// once (compared without regard to case), at most MaxMentions:
// @word (letters, digits and ._%+-'), @someone@example.org, and
// @[Name with spaces] (one line, without brackets). A mention starts the
// text or follows a space or an opening bracket or quote, so that an
// address such as lee@acme.example is no mention; text in code (inline
// `code` or fenced blocks) mentions nobody. Input is untrusted.
func Mentions(body string) []string {
	var out []string
	seen := map[string]bool{}
	fenced := false
	for line := range strings.SplitSeq(body, "\n") {
		if t := strings.TrimLeft(line, " "); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		for _, name := range lineMentions(line) {
			key := strings.ToLower(name)
			if seen[key] {
				continue
			}
			if len(out) == MaxMentions {
				return out
			}
			seen[key] = true
			out = append(out, name)
		}
	}
	return out
}

// lineMentions finds the mentions of one line outside inline code.
func lineMentions(line string) []string {
	var out []string
	inCode := false
	prev := ' '
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		switch {
		case r == '`':
			inCode = !inCode
		case r == '@' && !inCode && startsMention(prev):
			if name, n := mentionAt(line[i+1:]); name != "" {
				out = append(out, name)
				i += 1 + n
				prev = 'x' // what ends a mention never starts another
				continue
			}
		}
		prev = r
		i += size
	}
	return out
}

// startsMention: a mention follows the start of the line, a space, or an
// opening bracket or quote.
func startsMention(prev rune) bool {
	return unicode.IsSpace(prev) || strings.ContainsRune(`([{"'`, prev)
}

// mentionAt reads the name after an @ and how many bytes it took; "" if
// there is none.
func mentionAt(s string) (string, int) {
	if rest, ok := strings.CutPrefix(s, "["); ok {
		end := strings.IndexAny(rest, "[]\r\n")
		if end < 0 || rest[end] != ']' {
			return "", 0
		}
		name := strings.Join(strings.Fields(rest[:end]), " ")
		if name == "" || len(name) > maxMentionName || !utf8.ValidString(name) {
			return "", 0
		}
		return name, end + 2
	}
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._%+-'@", r)) {
			break
		}
		n += size
	}
	// Punctuation that ends a sentence is not part of the name, and a
	// name starts with a letter or digit.
	name := strings.TrimRight(s[:n], ".-'@")
	if first, _ := utf8.DecodeRuneInString(name); name == "" || len(name) > maxMentionName || !unicode.IsLetter(first) && !unicode.IsDigit(first) {
		return "", 0
	}
	return name, len(name)
}
