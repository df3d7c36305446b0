package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
)

// ErrNotAttachment means a URL is not a file on Discord's CDN.
var ErrNotAttachment = errors.New("not a Discord attachment link")

// cdnHosts are the hosts Discord serves attachments from.
var cdnHosts = map[string]bool{"cdn.discordapp.com": true, "media.discordapp.net": true}

// Fetch downloads a file Discord hosts (an attachment): only https URLs on
// Discord's CDN hosts (cdn.discordapp.com, media.discordapp.net), through a
// client of its own — never the API client, so no host is rewritten to the
// API base and no Authorization header is sent — following no redirects,
// refusing more than limit bytes, and giving up after the fetch timeout.
// With RESTOptions.CDNBase set, the request goes to that host instead (a
// media proxy, or a fake CDN in tests). Its errors are fit to show a user:
// they never contain the URL.
func (r *REST) Fetch(ctx context.Context, rawURL string, limit int64) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Port() != "" || !cdnHosts[u.Hostname()] {
		return nil, fmt.Errorf("download the attachment: %w", ErrNotAttachment)
	}
	if r.cdnBase != nil {
		u.Scheme, u.Host = r.cdnBase.Scheme, r.cdnBase.Host
	}
	ctx, cancel := context.WithTimeout(ctx, r.fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("download the attachment: %w", ErrNotAttachment)
	}
	req.Header.Set("User-Agent", r.ua)
	resp, err := r.cdn.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, fmt.Errorf("download the attachment: timed out after %v", r.fetchTimeout)
		}
		return nil, fmt.Errorf("download the attachment: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download the attachment: status %d", resp.StatusCode)
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("the attachment is larger than %d bytes", limit)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("download the attachment: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("the attachment is larger than %d bytes", limit)
	}
	return data, nil
}
