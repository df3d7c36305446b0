package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// callbacks sends interaction responses and edits itself rather than through
// discordgo, whose rate limiter keeps one bucket per URL forever: every
// interaction token is a new URL, so the map would grow by one bucket per
// interaction for the life of the process. Interaction endpoints are exempt
// from the global rate limit; a 429 on one is honoured here from its
// retry_after. Safe for concurrent use.
type callbacks struct {
	client *http.Client
	ua     string
}

// maxCallbackTries bounds retries after 429s on one call.
const maxCallbackTries = 4

func (c callbacks) do(ctx context.Context, method, endpoint string, payload any, files []*discordgo.File) ([]byte, error) {
	contentType := "application/json"
	body, err := json.Marshal(payload)
	if len(files) > 0 {
		contentType, body, err = discordgo.MultipartBodyWithJSON(payload, files)
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", method, err)
	}
	for try := 1; ; try++ {
		req, err := http.NewRequestWithContext(ctx, method, endpoint, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("User-Agent", c.ua)
		resp, err := c.client.Do(req)
		if err != nil {
			// The URL holds the interaction token: keep it out of errors and logs.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return nil, fmt.Errorf("%s interaction response: %w", method, err)
		}
		out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		switch {
		case resp.StatusCode < 300:
			return out, nil
		case resp.StatusCode == http.StatusTooManyRequests && try < maxCallbackTries:
			wait := retryAfter(resp.Header, out)
			select {
			case <-time.After(wait):
				continue
			case <-ctx.Done():
				return nil, fmt.Errorf("%s interaction: rate limited: %w", method, ctx.Err())
			}
		}
		return nil, &discordgo.RESTError{Request: req, Response: resp, ResponseBody: out, Message: apiMessage(out)}
	}
}

// retryAfter reads how long Discord asks us to wait: the JSON retry_after
// (seconds, fractional), else the Retry-After header, else one second.
func retryAfter(h http.Header, body []byte) time.Duration {
	var rl struct {
		RetryAfter float64 `json:"retry_after"`
	}
	if json.Unmarshal(body, &rl) == nil && rl.RetryAfter > 0 {
		return time.Duration(rl.RetryAfter * float64(time.Second))
	}
	if s, err := strconv.ParseFloat(h.Get("Retry-After"), 64); err == nil && s > 0 {
		return time.Duration(s * float64(time.Second))
	}
	return time.Second
}

func apiMessage(body []byte) *discordgo.APIErrorMessage {
	var m discordgo.APIErrorMessage
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	return &m
}

// ErrNoInteraction is returned for an interaction without id, token or
// application id.
var ErrNoInteraction = errors.New("interaction lacks id, token or application id")

func (c callbacks) respond(ctx context.Context, i *discordgo.Interaction, resp *discordgo.InteractionResponse) error {
	if i.ID == "" || i.Token == "" {
		return ErrNoInteraction
	}
	var files []*discordgo.File
	if resp.Data != nil {
		files = resp.Data.Files
	}
	_, err := c.do(ctx, http.MethodPost, discordgo.EndpointInteractionResponse(i.ID, i.Token), resp, files)
	return err
}

func (c callbacks) edit(ctx context.Context, i *discordgo.Interaction, e *discordgo.WebhookEdit) (*discordgo.Message, error) {
	if i.AppID == "" || i.Token == "" {
		return nil, ErrNoInteraction
	}
	out, err := c.do(ctx, http.MethodPatch, discordgo.EndpointInteractionResponseActions(i.AppID, i.Token), e, e.Files)
	if err != nil {
		return nil, err
	}
	var m discordgo.Message
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, fmt.Errorf("decode edited message: %w", err)
	}
	return &m, nil
}
