package doctext

import (
	"errors"
	"testing"
)

func TestKindOf(t *testing.T) {
	for _, tc := range []struct {
		name, ct string
		want     Kind
	}{
		{"a.txt", "", Plain},
		{"A.MD", "", Markdown},
		{"story.html", "application/octet-stream", HTML},
		{"story", "text/html; charset=utf-8", HTML},
		{"story", "text/plain", Plain},
		{"report.pdf", "application/pdf", Unknown},
	} {
		if got := KindOf(tc.name, tc.ct); got != tc.want {
			t.Errorf("KindOf(%q, %q) = %v, want %v", tc.name, tc.ct, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	t.Run("HTML", func(t *testing.T) {
		page := `<!doctype html><html><head><title>T</title><style>p{color:red}</style>
<script>alert("no")</script></head><body><nav>Home</nav>
<h1>Talks   end</h1><p>Ryabkov said Moscow had
 <b>no plans</b> to attack&nbsp;Ukraine.</p><!-- note --><ul><li>one</li><li>two</li></ul>
<pre>  kept
  as is</pre><div>a<br>b</div></body></html>`
		got, err := Text(HTML, []byte(page))
		if err != nil {
			t.Fatal(err)
		}
		want := "Home\n\nTalks end\n\nRyabkov said Moscow had no plans to attack\u00a0Ukraine.\n\none\n\ntwo\n\nkept\nas is\n\na\n\nb"
		if got != want {
			t.Fatalf("got  %q\nwant %q", got, want)
		}
	})
	t.Run("PlainAndMarkdown", func(t *testing.T) {
		got, err := Text(Markdown, []byte("\ufeff# Title\r\n\r\n\r\n\r\nSome **bold** text.  \r\n"))
		if err != nil || got != "# Title\n\nSome **bold** text." {
			t.Fatalf("%q %v", got, err)
		}
	})
	t.Run("ErrFormat", func(t *testing.T) {
		if _, err := Text(Plain, []byte{0xff, 0xfe, 'a'}); !errors.Is(err, ErrFormat) {
			t.Fatalf("invalid UTF-8: %v", err)
		}
		if _, err := Text(Unknown, []byte("x")); !errors.Is(err, ErrFormat) {
			t.Fatalf("unknown kind: %v", err)
		}
	})
}
