// Package lamina is a client for the Lamina API (wire-compatible with Iteration Layer): one sync and one async
// method per API, the account and jobs routes, retries of 429 and 503 as Retry-After asks, and Standard Webhooks
// verification of deliveries. Standard library only. Request and result types are generated from the server's
// schemas (types.gen.go).
package lamina

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Version of this SDK, sent as X-Lamina-Client.
const Version = "0.1.0"

const clientHeader = "sdk-go/" + Version

// Dimensions is the canvas size of an image generation request.
type Dimensions = CanvasDimensions

// Ptr returns a pointer to v: for the optional number and boolean fields (`Opacity: lamina.Ptr(50)`).
func Ptr[T any](v T) *T { return &v }

// Error is any failed call: StatusCode is the HTTP status (0 when no response came back), Message the server's.
type Error struct {
	StatusCode int
	Message    string
}

func (e *Error) Error() string {
	if e.StatusCode == 0 {
		return "lamina: " + e.Message
	}
	return fmt.Sprintf("lamina: %d %s", e.StatusCode, e.Message)
}

// BinaryOutput is a binary result with its bytes decoded.
type BinaryOutput struct {
	Buffer   []byte
	MimeType string
}

// WebsiteExtraction is ExtractWebsiteWithMetadata's answer: the fields and the page's metadata.
type WebsiteExtraction struct {
	Data     ExtractionResult
	Metadata WebsiteMetadata
}

// JobResult is GetJobResult's answer: Binary for a binary result, Data (and Metadata) for a JSON one.
type JobResult struct {
	Binary   *BinaryOutput
	Data     json.RawMessage
	Metadata json.RawMessage
}

// Client talks to one deployment. Make it with NewClient.
type Client struct {
	apiKey        string
	baseURL       string
	httpClient    *http.Client
	timeout       time.Duration
	maxRetries    int
	maxRetryDelay time.Duration
}

// Option configures a Client.
type Option func(*Client)

// WithBaseURL sets the deployment's URL (default: the LAMINA_BASE_URL environment variable).
func WithBaseURL(baseURL string) Option {
	return func(c *Client) { c.baseURL = strings.TrimRight(baseURL, "/") }
}

// WithHTTPClient sets the http.Client used for every request.
func WithHTTPClient(httpClient *http.Client) Option {
	return func(c *Client) { c.httpClient = httpClient }
}

// WithTimeout bounds each call, retries' waits included (default 300 s: sync requests can be long).
func WithTimeout(timeout time.Duration) Option {
	return func(c *Client) { c.timeout = timeout }
}

// WithMaxRetries sets how often a 429 or 503 is retried (default 3). Other errors are never retried.
func WithMaxRetries(retries int) Option {
	return func(c *Client) { c.maxRetries = retries }
}

// WithMaxRetryDelay caps the wait before a retry, whatever Retry-After asks (default 20 s).
func WithMaxRetryDelay(delay time.Duration) Option {
	return func(c *Client) { c.maxRetryDelay = delay }
}

// NewClient makes a client for the API key. Without WithBaseURL it uses LAMINA_BASE_URL.
func NewClient(apiKey string, options ...Option) *Client {
	c := &Client{
		apiKey:        apiKey,
		baseURL:       strings.TrimRight(os.Getenv("LAMINA_BASE_URL"), "/"),
		httpClient:    http.DefaultClient,
		timeout:       300 * time.Second,
		maxRetries:    3,
		maxRetryDelay: 20 * time.Second,
	}
	for _, option := range options {
		option(c)
	}
	return c
}

// GenerateImage renders an image from layers; the bytes come back decoded.
func (c *Client) GenerateImage(request GenerateImageRequest) (*BinaryOutput, error) {
	return c.binary("GenerateImage", request)
}

// GenerateImageAsync accepts an image job; the result is POSTed to WebhookURL.
func (c *Client) GenerateImageAsync(request GenerateImageAsyncRequest) (*AsyncAccepted, error) {
	return c.accept("GenerateImage", request)
}

// ExtractDocument answers typed fields from documents, with confidence and citations.
func (c *Client) ExtractDocument(request ExtractDocumentRequest) (ExtractionResult, error) {
	var result ExtractionResult
	return result, c.data("ExtractDocument", request, &result)
}

// ExtractDocumentAsync accepts a document extraction job.
func (c *Client) ExtractDocumentAsync(request ExtractDocumentAsyncRequest) (*AsyncAccepted, error) {
	return c.accept("ExtractDocument", request)
}

// TransformImage applies 1–30 operations to one image; the bytes come back decoded.
func (c *Client) TransformImage(request TransformImageRequest) (*BinaryOutput, error) {
	return c.binary("TransformImage", request)
}

// TransformImageAsync accepts an image transformation job.
func (c *Client) TransformImageAsync(request TransformImageAsyncRequest) (*AsyncAccepted, error) {
	return c.accept("TransformImage", request)
}

// ConvertDocumentToMarkdown answers one document as markdown.
func (c *Client) ConvertDocumentToMarkdown(request ConvertDocumentToMarkdownRequest) (*MarkdownResult, error) {
	var result MarkdownResult
	return &result, c.data("ConvertDocumentToMarkdown", request, &result)
}

// ConvertDocumentToMarkdownAsync accepts a document to markdown job.
func (c *Client) ConvertDocumentToMarkdownAsync(request ConvertDocumentToMarkdownAsyncRequest) (*AsyncAccepted, error) {
	return c.accept("ConvertDocumentToMarkdown", request)
}

// ExtractWebsite answers typed fields from one web page.
func (c *Client) ExtractWebsite(request ExtractWebsiteRequest) (ExtractionResult, error) {
	var result ExtractionResult
	return result, c.data("ExtractWebsite", request, &result)
}

// ExtractWebsiteWithMetadata answers the fields and the page's metadata (Open Graph, JSON-LD, links, ...).
func (c *Client) ExtractWebsiteWithMetadata(request ExtractWebsiteRequest) (*WebsiteExtraction, error) {
	var envelope struct {
		Data     ExtractionResult `json:"data"`
		Metadata WebsiteMetadata  `json:"metadata"`
	}
	if err := c.call(http.MethodPost, apiPaths["ExtractWebsite"], request, &envelope); err != nil {
		return nil, err
	}
	return &WebsiteExtraction{Data: envelope.Data, Metadata: envelope.Metadata}, nil
}

// ExtractWebsiteAsync accepts a website extraction job; the webhook carries the fields and the metadata.
func (c *Client) ExtractWebsiteAsync(request ExtractWebsiteAsyncRequest) (*AsyncAccepted, error) {
	return c.accept("ExtractWebsite", request)
}

// GenerateDocument makes a PDF, DOCX, EPUB or PPTX; the bytes come back decoded.
func (c *Client) GenerateDocument(request GenerateDocumentRequest) (*BinaryOutput, error) {
	return c.binary("GenerateDocument", request)
}

// GenerateDocumentAsync accepts a document generation job.
func (c *Client) GenerateDocumentAsync(request GenerateDocumentAsyncRequest) (*AsyncAccepted, error) {
	return c.accept("GenerateDocument", request)
}

// GenerateSheet makes an XLSX, CSV or Markdown sheet; the bytes come back decoded.
func (c *Client) GenerateSheet(request GenerateSheetRequest) (*BinaryOutput, error) {
	return c.binary("GenerateSheet", request)
}

// GenerateSheetAsync accepts a sheet generation job.
func (c *Client) GenerateSheetAsync(request GenerateSheetAsyncRequest) (*AsyncAccepted, error) {
	return c.accept("GenerateSheet", request)
}

// Me answers the account behind the key: credits, rate limit, the key's budget cap and spend this month.
func (c *Client) Me() (*MeData, error) {
	var me Me
	if err := c.call(http.MethodGet, "/v1/me", nil, &me); err != nil {
		return nil, err
	}
	return &me.Data, nil
}

// GetJob answers an async job's status, delivery status and delivery attempts.
func (c *Client) GetJob(id string) (*Job, error) {
	var envelope struct {
		Data Job `json:"data"`
	}
	if err := c.call(http.MethodGet, "/v1/jobs/"+url.PathEscape(id), nil, &envelope); err != nil {
		return nil, err
	}
	return &envelope.Data, nil
}

// GetJobResult downloads a finished job's retained result with the API key.
func (c *Client) GetJobResult(id string) (*JobResult, error) {
	response, err := c.send(http.MethodGet, "/v1/jobs/"+url.PathEscape(id)+"/result", nil, "*/*")
	if err != nil {
		return nil, err
	}
	if response.status >= 400 {
		return nil, errorOf(response.status, response.body)
	}
	if strings.HasPrefix(response.contentType, "application/json") {
		var envelope struct {
			Data     json.RawMessage `json:"data"`
			Metadata json.RawMessage `json:"metadata"`
		}
		if err := json.Unmarshal(response.body, &envelope); err != nil {
			return nil, &Error{StatusCode: response.status, Message: "unreadable result: " + err.Error()}
		}
		return &JobResult{Data: envelope.Data, Metadata: envelope.Metadata}, nil
	}
	return &JobResult{Binary: &BinaryOutput{Buffer: response.body, MimeType: response.contentType}}, nil
}

// Redeliver delivers a finished job's retained result to its webhook once more (free).
func (c *Client) Redeliver(id string) (jobID string, err error) {
	var envelope struct {
		Data struct {
			JobID string `json:"job_id"`
		} `json:"data"`
	}
	if err := c.call(http.MethodPost, "/v1/jobs/"+url.PathEscape(id)+"/redeliver", nil, &envelope); err != nil {
		return "", err
	}
	return envelope.Data.JobID, nil
}

// GetWebhookSecret answers the whsec_ secret that signs your deliveries (created on first use).
func (c *Client) GetWebhookSecret() (*WebhookSecretData, error) {
	var secret WebhookSecret
	if err := c.call(http.MethodGet, "/v1/webhook-secret", nil, &secret); err != nil {
		return nil, err
	}
	return &secret.Data, nil
}

// RotateWebhookSecret makes a new secret; the old one keeps signing alongside for 24 hours.
func (c *Client) RotateWebhookSecret() (*WebhookSecretData, error) {
	var secret WebhookSecret
	if err := c.call(http.MethodPost, "/v1/webhook-secret/rotate", nil, &secret); err != nil {
		return nil, err
	}
	return &secret.Data, nil
}

// DownloadResult fetches the bytes behind a result_delivery "url" webhook's link, without an API key. After the
// link expires, or when it was altered, the error is an *Error with StatusCode 403.
func DownloadResult(link string, httpClient *http.Client) (*BinaryOutput, error) {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	request, err := http.NewRequest(http.MethodGet, link, nil)
	if err != nil {
		return nil, &Error{Message: "bad link: " + err.Error()}
	}
	request.Header.Set("X-Lamina-Client", clientHeader)
	response, err := httpClient.Do(request)
	if err != nil {
		return nil, &Error{Message: "request failed: " + err.Error()}
	}
	defer response.Body.Close()
	body, err := io.ReadAll(response.Body)
	if err != nil {
		return nil, &Error{Message: "reading the result failed: " + err.Error()}
	}
	if response.StatusCode >= 400 {
		return nil, errorOf(response.StatusCode, body)
	}
	return &BinaryOutput{Buffer: body, MimeType: response.Header.Get("Content-Type")}, nil
}

func (c *Client) binary(method string, request any) (*BinaryOutput, error) {
	var result BinaryResult
	if err := c.data(method, request, &result); err != nil {
		return nil, err
	}
	buffer, err := base64.StdEncoding.DecodeString(result.Buffer)
	if err != nil {
		return nil, &Error{StatusCode: 200, Message: "the result's buffer is not base64: " + err.Error()}
	}
	return &BinaryOutput{Buffer: buffer, MimeType: result.MimeType}, nil
}

func (c *Client) accept(method string, request any) (*AsyncAccepted, error) {
	var accepted AsyncAccepted
	if err := c.call(http.MethodPost, apiPaths[method], request, &accepted); err != nil {
		return nil, err
	}
	return &accepted, nil
}

func (c *Client) data(method string, request any, out any) error {
	var envelope struct {
		Data json.RawMessage `json:"data"`
	}
	if err := c.call(http.MethodPost, apiPaths[method], request, &envelope); err != nil {
		return err
	}
	if err := json.Unmarshal(envelope.Data, out); err != nil {
		return &Error{StatusCode: 200, Message: "unreadable data: " + err.Error()}
	}
	return nil
}

func (c *Client) call(method, path string, body any, out any) error {
	response, err := c.send(method, path, body, "application/json")
	if err != nil {
		return err
	}
	var status struct {
		Success bool `json:"success"`
	}
	if response.status >= 400 || json.Unmarshal(response.body, &status) != nil || !status.Success {
		return errorOf(response.status, response.body)
	}
	if err := json.Unmarshal(response.body, out); err != nil {
		return &Error{StatusCode: response.status, Message: "unreadable response: " + err.Error()}
	}
	return nil
}

type rawResponse struct {
	status      int
	contentType string
	body        []byte
}

func (c *Client) send(method, path string, body any, accept string) (*rawResponse, error) {
	if c.baseURL == "" {
		return nil, &Error{Message: "no base URL: pass lamina.WithBaseURL(url) or set LAMINA_BASE_URL"}
	}
	var payload []byte
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			return nil, &Error{Message: "the request cannot be encoded: " + err.Error()}
		}
		payload = encoded
	}
	deadline := time.Now().Add(c.timeout)
	for attempt := 0; ; attempt++ {
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return nil, &Error{Message: fmt.Sprintf("request timed out after %s", c.timeout)}
		}
		request, err := http.NewRequest(method, c.baseURL+path, bytes.NewReader(payload))
		if err != nil {
			return nil, &Error{Message: "bad request: " + err.Error()}
		}
		request.Header.Set("Authorization", "Bearer "+c.apiKey)
		request.Header.Set("Accept", accept)
		request.Header.Set("X-Lamina-Client", clientHeader)
		if body != nil {
			request.Header.Set("Content-Type", "application/json")
		}
		client := *c.httpClient
		client.Timeout = remaining
		response, err := client.Do(request)
		if err != nil {
			var timeout interface{ Timeout() bool }
			if errors.As(err, &timeout) && timeout.Timeout() {
				return nil, &Error{Message: fmt.Sprintf("request timed out after %s", c.timeout)}
			}
			return nil, &Error{Message: "request failed: " + err.Error()}
		}
		data, err := io.ReadAll(response.Body)
		response.Body.Close()
		if err != nil {
			return nil, &Error{StatusCode: response.StatusCode, Message: "reading the response failed: " + err.Error()}
		}
		if (response.StatusCode == http.StatusTooManyRequests || response.StatusCode == http.StatusServiceUnavailable) && attempt < c.maxRetries {
			delay := retryDelay(attempt, response.Header.Get("Retry-After"), c.maxRetryDelay)
			if time.Now().Add(delay).After(deadline) {
				return nil, &Error{Message: "request timed out while waiting to retry"}
			}
			time.Sleep(delay)
			continue
		}
		return &rawResponse{status: response.StatusCode, contentType: response.Header.Get("Content-Type"), body: data}, nil
	}
}

func retryDelay(attempt int, retryAfter string, max time.Duration) time.Duration {
	var asked time.Duration
	if seconds, err := strconv.Atoi(strings.TrimSpace(retryAfter)); err == nil && seconds >= 0 {
		asked = time.Duration(seconds) * time.Second
	}
	backoff := time.Duration(float64(500*time.Millisecond) * float64(int(1)<<attempt) * (1 + rand.Float64()*0.2))
	delay := backoff
	if asked > delay {
		delay = asked
	}
	if delay > max {
		delay = max
	}
	return delay
}

func errorOf(status int, body []byte) *Error {
	var envelope struct {
		Error json.RawMessage `json:"error"`
	}
	var message string
	if json.Unmarshal(body, &envelope) == nil && json.Unmarshal(envelope.Error, &message) == nil {
		return &Error{StatusCode: status, Message: message}
	}
	return &Error{StatusCode: status, Message: fmt.Sprintf("HTTP %d", status)}
}
