package markdown

import "strings"

// Limits of tooComplex, chosen so that any source within them renders in
// tens of milliseconds, while real reports (tables, link lists, long logs
// in code blocks) stay far inside them.
const (
	maxNesting     = 16      // quote and list markers opening one line
	maxLineCost    = 8 << 20 // sum over lines of length × delimiters
	maxBracketCost = 1 << 20 // sum, at each ], of the brackets still open
)

// tooComplex reports whether src would take the parser long. goldmark's
// work grows with the square of: the nesting depth of containers on a line;
// a line's length times the delimiters ([ ] < | ~ * _) on it; and the depth
// of brackets nested across the lines of a paragraph.
func tooComplex(src string) bool {
	lineCost, bracketCost, depth := 0, 0, 0
	for line := range strings.Lines(src) {
		if strings.TrimSpace(line) == "" { // a blank line ends a paragraph
			depth = 0
			continue
		}
		if nesting(line) > maxNesting {
			return true
		}
		marks := 0
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '[':
				depth++
				marks++
			case ']':
				bracketCost += depth
				depth = max(depth-1, 0)
				marks++
			case '<', '|', '~', '*', '_':
				marks++
			}
		}
		lineCost += len(line) * marks
		if lineCost > maxLineCost || bracketCost > maxBracketCost {
			return true
		}
	}
	return false
}

// nesting counts the block quote and list markers that open line, e.g. 4
// for "> > - 1. text".
func nesting(line string) int {
	n := 0
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
			i++
		case c == '>':
			n++
			i++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
			n++
			i += 2
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j+1 < len(line) && (line[j] == '.' || line[j] == ')') && (line[j+1] == ' ' || line[j+1] == '\t') {
				n++
				i = j + 2
				continue
			}
			return n
		default:
			return n
		}
	}
	return n
}
