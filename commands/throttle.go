package commands

import (
	"errors"
	"math"
	"sync"
	"time"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
)

// limiter is a per-user token bucket: capacity n, refilled at n per window.
// Safe for concurrent use.
type limiter struct {
	mu      sync.Mutex
	n       float64
	per     time.Duration
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens   float64
	at       time.Time
	notified bool // told once that they are asking too quickly, since the last allowed request
}

func newLimiter(n int, per time.Duration, now func() time.Time) *limiter {
	return &limiter{n: float64(n), per: per, now: now, buckets: map[string]*bucket{}}
}

// allow takes a token for user, or says how long until one is free.
func (l *limiter) allow(user string) (bool, time.Duration) {
	ok, wait, _ := l.take(user)
	return ok, wait
}

// take is allow that also says whether this is the first refusal since the
// user's last allowed request: the one worth telling them about.
func (l *limiter) take(user string) (ok bool, wait time.Duration, first bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	rate := l.n / l.per.Seconds() // tokens per second
	b, ok := l.buckets[user]
	if !ok {
		if len(l.buckets) > 100_000 {
			l.prune(now, rate)
		}
		b = &bucket{tokens: l.n, at: now}
		l.buckets[user] = b
	}
	b.tokens = math.Min(l.n, b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		b.notified = false
		return true, 0, false
	}
	wait = time.Duration((1 - b.tokens) / rate * float64(time.Second))
	first = !b.notified
	b.notified = true
	return false, wait.Round(time.Second) + time.Second, first
}

// throttledError is a question refused by the per-user rate limit. Only the
// first refusal in a row is worth a reply: answering every throttled message
// in a channel would multiply the very spam the limit is there to stop.
type throttledError struct {
	msg   string // for the member, in their language
	first bool
}

func (e *throttledError) Error() string { return e.msg }

// Unwrap makes the refusal a *bot.UserError, shown to the user as it is.
func (e *throttledError) Unwrap() error { return &bot.UserError{Msg: e.Error()} }

// throttle takes a question from user's allowance.
func (s *Service) throttle(l i18n.Lang, user string) error {
	if ok, wait, first := s.limiter.take(user); !ok {
		return &throttledError{msg: l.T("err_throttled", "Count", int(wait/time.Second)), first: first}
	}
	return nil
}

// quietlyThrottled reports whether err is a repeated rate-limit refusal,
// which a message (not an interaction) should not answer at all.
func quietlyThrottled(err error) bool {
	var te *throttledError
	return errors.As(err, &te) && !te.first
}

// prune forgets users whose buckets are full again.
func (l *limiter) prune(now time.Time, rate float64) {
	for u, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*rate >= l.n {
			delete(l.buckets, u)
		}
	}
}

// recent remembers which entry was answered in which channel, and when, so a
// repeat within the window gets a pointer instead of a duplicate. Safe for
// concurrent use.
type recent struct {
	mu     sync.Mutex
	window time.Duration
	now    func() time.Time
	seen   map[[2]string]lastAnswer
}

type lastAnswer struct {
	at   time.Time
	link string // jump link to the answer, when known
}

func newRecent(window time.Duration, now func() time.Time) *recent {
	return &recent{window: window, now: now, seen: map[[2]string]lastAnswer{}}
}

// lookup returns the earlier answer of entry in channel, if within the window.
func (r *recent) lookup(channel, entry string) (lastAnswer, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.seen[[2]string{channel, entry}]
	if !ok || r.now().Sub(a.at) > r.window {
		return lastAnswer{}, false
	}
	return a, true
}

// record notes an answer.
func (r *recent) record(channel, entry, link string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if len(r.seen) > 10_000 {
		for k, a := range r.seen {
			if now.Sub(a.at) > r.window {
				delete(r.seen, k)
			}
		}
	}
	r.seen[[2]string{channel, entry}] = lastAnswer{at: now, link: link}
}

// setLink adds the jump link to an answer recorded before it was sent.
func (r *recent) setLink(channel, entry, link string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := [2]string{channel, entry}
	if a, ok := r.seen[k]; ok {
		a.link = link
		r.seen[k] = a
	}
}
