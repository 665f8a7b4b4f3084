package mailin

import (
	"strings"

	"golang.org/x/net/html"
)

// htmlToText turns an HTML body into plain text, crudely: text nodes are
// kept, script, style and head are dropped, block elements and <br> become
// line breaks and links keep their address. It never fails.
func htmlToText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	z.SetMaxBuf(len(s) + 4096)
	var b strings.Builder
	skip := 0  // depth inside script, style, head or title
	href := "" // the address of the link being read
	for {
		switch z.Next() {
		case html.ErrorToken:
			return tidy(b.String())
		case html.TextToken:
			if skip == 0 {
				b.WriteString(collapse(string(z.Text())))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			switch tag {
			case "script", "style", "head", "title":
				if t := z.Token(); t.Type == html.StartTagToken {
					skip++
				}
			case "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table", "ul", "ol", "hr":
				b.WriteString("\n")
				if tag == "li" {
					b.WriteString("- ")
				}
			case "a":
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "href" && (strings.HasPrefix(string(v), "http") || strings.HasPrefix(string(v), "mailto:")) {
						href = string(v)
					}
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "head", "title":
				if skip > 0 {
					skip--
				}
			case "a":
				if href != "" && !strings.HasSuffix(b.String(), href) {
					b.WriteString(" <" + href + ">")
				}
				href = ""
			case "p", "div", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table":
				b.WriteString("\n")
			case "td", "th":
				b.WriteString("\t")
			}
		}
	}
}

// collapse turns runs of white space into one space, as a browser shows them.
func collapse(s string) string {
	if strings.TrimSpace(s) == "" {
		if s == "" {
			return ""
		}
		return " "
	}
	lead := strings.IndexFunc(s, func(r rune) bool { return !isSpace(r) }) > 0
	trail := strings.LastIndexFunc(s, func(r rune) bool { return !isSpace(r) }) < len(s)-1
	out := strings.Join(strings.Fields(s), " ")
	if lead {
		out = " " + out
	}
	if trail {
		out += " "
	}
	return out
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' }

// tidy trims every line and keeps at most one empty line in a row.
func tidy(s string) string {
	var out []string
	blank := 0
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			blank++
			if blank > 1 || len(out) == 0 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
