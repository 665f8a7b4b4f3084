package markdown

import "testing"

func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"# t\n\n*a* **b** ~~c~~ `d`",
		"[x](javascript:alert(1))",
		"![p](https://t.example/p.gif)",
		"<script>alert(1)</script>",
		"<img src=x onerror=alert(1)>",
		"| a | b |\n|---|---|\n| <b onmouseover=x> | [y](vbscript:z) |",
		"<a href=\"javascript:x\">x</a>",
		"[a](<javascript:alert(1)>)",
		"[a]: javascript:x\n\n[a]",
		"www.example.org/?q=<svg/onload=alert(1)>",
		"```\n</code></pre><script>x</script>\n```",
		"&lt;script&gt; &#x6A;avascript:x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkSafe(t, string(Render(src)))
	})
}
