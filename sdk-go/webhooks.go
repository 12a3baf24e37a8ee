package lamina

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrWebhookVerification is wrapped by every verification failure: wrong or missing signature, stale timestamp.
var ErrWebhookVerification = errors.New("lamina: webhook verification failed")

// WebhookPayload is a delivery's body. Success tells which half is set: Data (as in the sync response, or a
// ResultLink with result_delivery "url") and Metadata (website extraction), or Error.
type WebhookPayload struct {
	Success  bool            `json:"success"`
	API      string          `json:"api"`
	JobID    string          `json:"job_id"`
	Data     json.RawMessage `json:"data,omitempty"`
	Metadata json.RawMessage `json:"metadata,omitempty"`
	Error    *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// Binary decodes a success payload's inline binary result (`{buffer, mime_type}`); ok is false for anything else.
func (p *WebhookPayload) Binary() (output *BinaryOutput, ok bool) {
	var result BinaryResult
	if !p.Success || json.Unmarshal(p.Data, &result) != nil || result.Buffer == "" {
		return nil, false
	}
	buffer, err := base64.StdEncoding.DecodeString(result.Buffer)
	if err != nil {
		return nil, false
	}
	return &BinaryOutput{Buffer: buffer, MimeType: result.MimeType}, true
}

// Link decodes a success payload's result link (result_delivery "url"); ok is false for anything else.
func (p *WebhookPayload) Link() (link *ResultLink, ok bool) {
	var result ResultLink
	if !p.Success || json.Unmarshal(p.Data, &result) != nil || result.URL == "" {
		return nil, false
	}
	return &result, true
}

// VerifyOptions tunes VerifyWebhook: the timestamp tolerance (default 5 minutes) and the clock.
type VerifyOptions struct {
	Tolerance time.Duration
	Now       time.Time
}

// VerifyWebhook checks a delivery per Standard Webhooks: every v1 signature in webhook-signature is compared, in
// constant time, with HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}" keyed by the whsec_ secret, and the
// timestamp must be within the tolerance. Pass the raw body exactly as received. A malformed secret is an error,
// never a weak key.
func VerifyWebhook(body []byte, header http.Header, secret string, options ...VerifyOptions) (*WebhookPayload, error) {
	key, err := secretKey(secret)
	if err != nil {
		return nil, err
	}
	tolerance := 5 * time.Minute
	now := time.Now()
	if len(options) > 0 {
		if options[0].Tolerance > 0 {
			tolerance = options[0].Tolerance
		}
		if !options[0].Now.IsZero() {
			now = options[0].Now
		}
	}
	id, timestamp, signatures := header.Get("webhook-id"), header.Get("webhook-timestamp"), header.Values("webhook-signature")
	if id == "" || timestamp == "" || len(signatures) == 0 {
		return nil, fmt.Errorf("%w: missing webhook-id, webhook-timestamp or webhook-signature header", ErrWebhookVerification)
	}
	seconds, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || now.Sub(time.Unix(seconds, 0)).Abs() > tolerance {
		return nil, fmt.Errorf("%w: webhook timestamp is outside the tolerance", ErrWebhookVerification)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + timestamp + "."))
	mac.Write(body)
	expected := mac.Sum(nil)
	matched := false
	for _, entry := range strings.Fields(strings.Join(signatures, " ")) {
		version, signature, found := strings.Cut(entry, ",")
		if !found || version != "v1" {
			continue
		}
		candidate, err := base64.StdEncoding.DecodeString(signature)
		if err != nil {
			continue
		}
		// Every signature is compared, so the time taken does not tell which one matched.
		if hmac.Equal(candidate, expected) {
			matched = true
		}
	}
	if !matched {
		return nil, fmt.Errorf("%w: no matching webhook signature", ErrWebhookVerification)
	}
	var payload WebhookPayload
	if err := json.Unmarshal(body, &payload); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrWebhookVerification, err)
	}
	return &payload, nil
}

func secretKey(secret string) ([]byte, error) {
	if !strings.HasPrefix(secret, "whsec_") {
		return nil, errors.New("lamina: malformed webhook secret: expected whsec_ followed by base64")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return nil, errors.New("lamina: malformed webhook secret: the part after whsec_ is not valid base64")
	}
	if len(key) < 24 {
		return nil, errors.New("lamina: malformed webhook secret: shorter than 24 bytes")
	}
	return key, nil
}
