package lamina_test

import (
	"archive/zip"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	lamina "lamina"
)

// The tests against a real Lamina read LAMINA_BASE_URL, LAMINA_API_KEY and LAMINA_SITE_URL, which
// `npm run test:sdks` sets after starting wrangler dev. Without them they fail: they are never skipped.
func worker(t *testing.T) (base, key, site string) {
	t.Helper()
	base, key, site = os.Getenv("LAMINA_BASE_URL"), os.Getenv("LAMINA_API_KEY"), os.Getenv("LAMINA_SITE_URL")
	if base == "" || key == "" || site == "" {
		t.Fatal("these tests need a running Lamina: run them with `npm run test:sdks`")
	}
	return base, key, site
}

type delivery struct {
	header http.Header
	body   []byte
}

// receiver takes webhooks on localhost (the stack's DEV_HOSTS lets deliveries reach it over http).
type receiver struct {
	server *httptest.Server
	mu     sync.Mutex
	got    []delivery
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, delivery{header: req.Header.Clone(), body: body})
		r.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(r.server.Close)
	return r
}

func (r *receiver) url() string {
	return strings.Replace(r.server.URL, "127.0.0.1", "localhost", 1) + "/hook"
}

func (r *receiver) waitFor(t *testing.T, jobID string) delivery {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		r.mu.Lock()
		for _, d := range r.got {
			if d.header.Get("webhook-id") == jobID {
				r.mu.Unlock()
				return d
			}
		}
		r.mu.Unlock()
	}
	t.Fatalf("no webhook for job %s within 60 s", jobID)
	return delivery{}
}

func TestTheAsyncSnippetRunsAsWrittenAndItsWebhookVerifies(t *testing.T) {
	base, key, _ := worker(t)
	hooks := newReceiver(t)
	// The async-mode page's Go snippet, but for the package name, the key, the base URL and the webhook URL.
	client := lamina.NewClient(key, lamina.WithBaseURL(base))
	result, err := client.GenerateImageAsync(lamina.GenerateImageAsyncRequest{
		WebhookURL: hooks.url(), Dimensions: lamina.Dimensions{WidthInPx: 800, HeightInPx: 600},
		OutputFormat: "png", Layers: []lamina.Layer{lamina.NewSolidColorBackgroundLayer(0, "#FFFFFF")}})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(result.Message) // "Request accepted..."
	if result.Message != "Request accepted. Results will be delivered to the provided webhook URL." || !result.Async {
		t.Fatalf("unexpected 201 body: %+v", result)
	}
	secret, err := client.GetWebhookSecret()
	if err != nil {
		t.Fatal(err)
	}
	got := hooks.waitFor(t, result.JobID)
	payload, err := lamina.VerifyWebhook(got.body, got.header, secret.Secret)
	if err != nil {
		t.Fatal(err)
	}
	if !payload.Success || payload.API != "image_generation" || payload.JobID != result.JobID {
		t.Fatalf("unexpected payload: %+v", payload)
	}
	png, ok := payload.Binary()
	if !ok || png.MimeType != "image/png" || !bytes.HasPrefix(png.Buffer, []byte("\x89PNG")) || width(png.Buffer) != 800 {
		t.Fatalf("not the 800 px PNG: %v %s", ok, png.MimeType)
	}
	if _, err := lamina.VerifyWebhook(append(got.body, ' '), got.header, secret.Secret); !errors.Is(err, lamina.ErrWebhookVerification) {
		t.Fatalf("a changed body verified: %v", err)
	}
	job, err := client.GetJob(result.JobID)
	if err != nil || job.Status != "succeeded" {
		t.Fatalf("job: %+v %v", job, err)
	}
}

func width(png []byte) int {
	return int(png[16])<<24 | int(png[17])<<16 | int(png[18])<<8 | int(png[19])
}

const invoice = "Invoice No: A-1\nDate: 31.12.2024\nTotal: 3.00 EUR"
const tinyPNG = "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAYAAADED76LAAAAFklEQVR4XmNQTX79Hxn/LBZDwSNEAQBzl55hAEnDpAAAAABJRU5ErkJggg=="

func TestASyncCallOfEveryAPI(t *testing.T) {
	base, key, site := worker(t)
	client := lamina.NewClient(key, lamina.WithBaseURL(base))

	image, err := client.GenerateImage(lamina.GenerateImageRequest{
		Dimensions: lamina.Dimensions{WidthInPx: 64, HeightInPx: 32},
		Layers:     []lamina.Layer{lamina.NewSolidColorLayer(0, "#00FF00"), lamina.NewTextLayer(1, "Hi", "Inter", 12, "#000000", lamina.LayerDimensions{WidthInPx: 64, HeightInPx: 32})},
	})
	if err != nil || image.MimeType != "image/png" || width(image.Buffer) != 64 {
		t.Fatalf("GenerateImage: %v", err)
	}

	fields, err := client.ExtractDocument(lamina.ExtractDocumentRequest{
		Files: []lamina.FileInput{lamina.Base64FileInput{Name: "invoice.txt", Base64: base64.StdEncoding.EncodeToString([]byte(invoice))}},
		Schema: lamina.ExtractionSchema{Fields: []lamina.ExtractionField{
			lamina.TextExtractionField{Name: "invoice_number", Description: "Invoice number"},
			lamina.DateExtractionField{Name: "date", Description: "Invoice date"},
		}},
	})
	if err != nil || fields["invoice_number"].Value != "A-1" || fields["date"].Value != "2024-12-31" {
		t.Fatalf("ExtractDocument: %v %+v", err, fields)
	}

	transformed, err := client.TransformImage(lamina.TransformImageRequest{
		File: lamina.Base64FileInput{Name: "tiles.png", Base64: tinyPNG},
		Operations: []lamina.TransformOperation{
			lamina.ResizeTransformOperation{WidthInPx: 16, HeightInPx: 16, Fit: "fill"},
			lamina.FlopTransformOperation{},
			lamina.ConvertTransformOperation{Format: "webp", Quality: lamina.Ptr(80)},
		},
	})
	if err != nil || transformed.MimeType != "image/webp" || !bytes.HasPrefix(transformed.Buffer, []byte("RIFF")) {
		t.Fatalf("TransformImage: %v", err)
	}

	markdown, err := client.ConvertDocumentToMarkdown(lamina.ConvertDocumentToMarkdownRequest{
		File: lamina.Base64FileInput{Name: "notes.html", Base64: base64.StdEncoding.EncodeToString([]byte("<h1>Release notes</h1><p>Now <b>faster</b>.</p>"))},
	})
	if err != nil || !strings.Contains(markdown.Markdown, "# Release notes") || !strings.Contains(markdown.Markdown, "**faster**") {
		t.Fatalf("ConvertDocumentToMarkdown: %v %+v", err, markdown)
	}

	website := lamina.ExtractWebsiteRequest{
		File:   lamina.URLFileInput{URL: site},
		Schema: lamina.ExtractionSchema{Fields: []lamina.ExtractionField{lamina.TextExtractionField{Name: "product", Description: "Product name"}}},
	}
	page, err := client.ExtractWebsite(website)
	if err != nil || page["product"].Value != "Widget" {
		t.Fatalf("ExtractWebsite: %v %+v", err, page)
	}
	withMetadata, err := client.ExtractWebsiteWithMetadata(website)
	if err != nil || withMetadata.Metadata.FinalURL != site {
		t.Fatalf("ExtractWebsiteWithMetadata: %v %+v", err, withMetadata)
	}

	document, err := client.GenerateDocument(lamina.GenerateDocumentRequest{
		Format: "pdf",
		Document: lamina.Document{
			Metadata: lamina.DocumentMetadata{Title: "Report"},
			Content: []lamina.DocumentBlock{
				lamina.HeadlineDocumentBlock{Level: "h1", Text: "Report"},
				lamina.ParagraphDocumentBlock{Markdown: "Revenue grew **12%**."},
			},
		},
	})
	if err != nil || document.MimeType != "application/pdf" || !bytes.HasPrefix(document.Buffer, []byte("%PDF-")) {
		t.Fatalf("GenerateDocument: %v", err)
	}

	sheet, err := client.GenerateSheet(lamina.GenerateSheetRequest{
		Format: "xlsx",
		Sheets: []lamina.Sheet{{Name: "Invoices", Columns: []lamina.SheetColumnsItem{{Name: "Company"}, {Name: "Total"}}, Rows: [][]lamina.SheetCell{{"Acme Corp", 1500.5}}}},
	})
	if err != nil {
		t.Fatalf("GenerateSheet: %v", err)
	}
	archive, err := zip.NewReader(bytes.NewReader(sheet.Buffer), int64(len(sheet.Buffer)))
	if err != nil {
		t.Fatalf("not an XLSX: %v", err)
	}
	if !containsFile(archive, "xl/sharedStrings.xml", "Acme Corp") || !containsFile(archive, "xl/worksheets/sheet1.xml", "1500.5") {
		t.Fatal("the sheet does not hold its cells")
	}
}

func containsFile(archive *zip.Reader, name, text string) bool {
	for _, file := range archive.File {
		if file.Name == name {
			reader, err := file.Open()
			if err != nil {
				return false
			}
			content, _ := io.ReadAll(reader)
			reader.Close()
			return strings.Contains(string(content), text)
		}
	}
	return false
}

func TestEveryAsyncMethodAcceptsAJob(t *testing.T) {
	base, key, site := worker(t)
	client := lamina.NewClient(key, lamina.WithBaseURL(base))
	hook := newReceiver(t).url()
	text := base64.StdEncoding.EncodeToString([]byte(invoice))
	schema := lamina.ExtractionSchema{Fields: []lamina.ExtractionField{lamina.TextExtractionField{Name: "invoice_number", Description: "Invoice number"}}}
	calls := map[string]func() (*lamina.AsyncAccepted, error){
		"GenerateImageAsync": func() (*lamina.AsyncAccepted, error) {
			return client.GenerateImageAsync(lamina.GenerateImageAsyncRequest{WebhookURL: hook, Dimensions: lamina.Dimensions{WidthInPx: 4, HeightInPx: 4}, Layers: []lamina.Layer{lamina.NewSolidColorLayer(0, "#FF0000")}})
		},
		"ExtractDocumentAsync": func() (*lamina.AsyncAccepted, error) {
			return client.ExtractDocumentAsync(lamina.ExtractDocumentAsyncRequest{WebhookURL: hook, Files: []lamina.FileInput{lamina.Base64FileInput{Name: "a.txt", Base64: text}}, Schema: schema})
		},
		"TransformImageAsync": func() (*lamina.AsyncAccepted, error) {
			return client.TransformImageAsync(lamina.TransformImageAsyncRequest{WebhookURL: hook, File: lamina.Base64FileInput{Name: "t.png", Base64: tinyPNG}, Operations: []lamina.TransformOperation{lamina.FlipTransformOperation{}}})
		},
		"ConvertDocumentToMarkdownAsync": func() (*lamina.AsyncAccepted, error) {
			return client.ConvertDocumentToMarkdownAsync(lamina.ConvertDocumentToMarkdownAsyncRequest{WebhookURL: hook, File: lamina.Base64FileInput{Name: "a.txt", Base64: text}})
		},
		"ExtractWebsiteAsync": func() (*lamina.AsyncAccepted, error) {
			return client.ExtractWebsiteAsync(lamina.ExtractWebsiteAsyncRequest{WebhookURL: hook, File: lamina.URLFileInput{URL: site}, Schema: schema})
		},
		"GenerateDocumentAsync": func() (*lamina.AsyncAccepted, error) {
			return client.GenerateDocumentAsync(lamina.GenerateDocumentAsyncRequest{WebhookURL: hook, Format: "epub", Document: lamina.Document{Metadata: lamina.DocumentMetadata{Title: "T"}, Content: []lamina.DocumentBlock{lamina.HeadlineDocumentBlock{Level: "h1", Text: "T"}}}})
		},
		"GenerateSheetAsync": func() (*lamina.AsyncAccepted, error) {
			return client.GenerateSheetAsync(lamina.GenerateSheetAsyncRequest{WebhookURL: hook, Format: "csv", Sheets: []lamina.Sheet{{Columns: []lamina.SheetColumnsItem{{Name: "A"}}, Rows: [][]lamina.SheetCell{{1}}}}})
		},
	}
	for name, call := range calls {
		accepted, err := call()
		if err != nil || !accepted.Success || len(accepted.JobID) != 36 {
			t.Errorf("%s: %+v %v", name, accepted, err)
		}
	}
}

func TestResultBySignedLinkAndWithTheKey(t *testing.T) {
	base, key, _ := worker(t)
	client := lamina.NewClient(key, lamina.WithBaseURL(base))
	hooks := newReceiver(t)
	accepted, err := client.GenerateImageAsync(lamina.GenerateImageAsyncRequest{
		WebhookURL: hooks.url(), ResultDelivery: "url", WebhookAuthHeaderName: "Authorization", WebhookAuthHeaderValue: "Bearer go-receiver",
		Dimensions: lamina.Dimensions{WidthInPx: 8, HeightInPx: 8}, Layers: []lamina.Layer{lamina.NewSolidColorLayer(0, "#0000FF")},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := hooks.waitFor(t, accepted.JobID)
	if got.header.Get("Authorization") != "Bearer go-receiver" {
		t.Fatalf("the auth header did not arrive: %q", got.header.Get("Authorization"))
	}
	secret, _ := client.GetWebhookSecret()
	payload, err := lamina.VerifyWebhook(got.body, got.header, secret.Secret)
	if err != nil {
		t.Fatal(err)
	}
	link, ok := payload.Link()
	if !ok {
		t.Fatalf("no link in %s", payload.Data)
	}
	downloaded, err := lamina.DownloadResult(link.URL, nil)
	if err != nil || downloaded.MimeType != "image/png" || len(downloaded.Buffer) != link.SizeBytes {
		t.Fatalf("DownloadResult: %v", err)
	}
	withKey, err := client.GetJobResult(accepted.JobID)
	if err != nil || withKey.Binary == nil || !bytes.Equal(withKey.Binary.Buffer, downloaded.Buffer) {
		t.Fatalf("GetJobResult: %v", err)
	}
	_, err = lamina.DownloadResult(strings.Replace(link.URL, "signature=", "signature=x", 1), nil)
	var refused *lamina.Error
	if !errors.As(err, &refused) || refused.StatusCode != 403 {
		t.Fatalf("an altered link was not refused: %v", err)
	}
}

func TestMeRedeliverAndErrors(t *testing.T) {
	base, key, _ := worker(t)
	client := lamina.NewClient(key, lamina.WithBaseURL(base))
	me, err := client.Me()
	if err != nil || me.Credits <= 0 || me.APIKey.Prefix != key[:10] {
		t.Fatalf("Me: %+v %v", me, err)
	}
	var apiError *lamina.Error
	if _, err := client.Redeliver("00000000-0000-4000-8000-000000000000"); !errors.As(err, &apiError) || apiError.StatusCode != 404 {
		t.Fatalf("Redeliver of an unknown job: %v", err)
	}
	_, err = client.GenerateImage(lamina.GenerateImageRequest{Dimensions: lamina.Dimensions{WidthInPx: 0, HeightInPx: 1}, Layers: []lamina.Layer{}})
	if !errors.As(err, &apiError) || apiError.StatusCode != 400 || !strings.Contains(apiError.Message, "dimensions.width_in_px") {
		t.Fatalf("a 400 with the field: %v", err)
	}
	if _, err := lamina.NewClient("il_nope", lamina.WithBaseURL(base)).Me(); !errors.As(err, &apiError) || apiError.StatusCode != 401 {
		t.Fatalf("a 401: %v", err)
	}
	if _, err := lamina.NewClient(key, lamina.WithBaseURL(base), lamina.WithTimeout(time.Millisecond)).Me(); !errors.As(err, &apiError) || apiError.StatusCode != 0 {
		t.Fatalf("a timeout of status 0: %v", err)
	}
}

func TestOptionalFieldsAreNeverSentAsZeros(t *testing.T) {
	body, err := json.Marshal(lamina.GenerateImageRequest{
		Dimensions: lamina.Dimensions{WidthInPx: 10, HeightInPx: 10},
		Layers:     []lamina.Layer{lamina.NewSolidColorBackgroundLayer(0, "#FFFFFF")},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"dimensions":{"width_in_px":10,"height_in_px":10},"layers":[{"type":"solid-color-background","index":0,"hex_color":"#FFFFFF"}]}`
	if string(body) != want {
		t.Fatalf("got %s\nwant %s", body, want)
	}
}

func TestRetries429HonouringRetryAfterAndNeverA400(t *testing.T) {
	var calls []time.Time
	answers := []int{429, 200}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls = append(calls, time.Now())
		status := answers[len(calls)-1]
		if status == 429 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			w.Write([]byte(`{"success":false,"error":"Rate limit exceeded"}`))
			return
		}
		w.Write([]byte(`{"success":true,"data":{"credits":3}}`))
	}))
	defer server.Close()
	me, err := lamina.NewClient("il_x", lamina.WithBaseURL(server.URL)).Me()
	if err != nil || me.Credits != 3 || len(calls) != 2 || calls[1].Sub(calls[0]) < 950*time.Millisecond {
		t.Fatalf("retry: %v %d calls", err, len(calls))
	}

	count := 0
	always := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		count++
		w.WriteHeader(429)
		w.Write([]byte(`{"success":false,"error":"Rate limit exceeded"}`))
	}))
	defer always.Close()
	_, err = lamina.NewClient("il_x", lamina.WithBaseURL(always.URL), lamina.WithMaxRetries(2), lamina.WithMaxRetryDelay(10*time.Millisecond)).Me()
	var apiError *lamina.Error
	if !errors.As(err, &apiError) || apiError.StatusCode != 429 || apiError.Message != "Rate limit exceeded" || count != 3 {
		t.Fatalf("give up after retries: %v, %d calls", err, count)
	}

	count = 0
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		count++
		w.WriteHeader(400)
		w.Write([]byte(`{"success":false,"error":"nope"}`))
	}))
	defer bad.Close()
	if _, err := lamina.NewClient("il_x", lamina.WithBaseURL(bad.URL)).Me(); err == nil || count != 1 {
		t.Fatalf("a 400 was retried: %d calls", count)
	}
}

// The Standard Webhooks known-answer vector.
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = "1614265330"
	vectorBody      = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func vectorHeader(signature, timestamp string) http.Header {
	header := http.Header{}
	header.Set("webhook-id", vectorID)
	header.Set("webhook-timestamp", timestamp)
	header.Set("webhook-signature", signature)
	return header
}

func TestVerifyWebhookKnownAnswerAndRefusals(t *testing.T) {
	at := time.Unix(1614265330, 0)
	if _, err := lamina.VerifyWebhook([]byte(vectorBody), vectorHeader(vectorSignature, vectorTimestamp), vectorSecret, lamina.VerifyOptions{Now: at}); err != nil {
		t.Fatalf("the known-answer vector: %v", err)
	}
	if _, err := lamina.VerifyWebhook([]byte(vectorBody), vectorHeader("v1,bm9wZQ== "+vectorSignature, vectorTimestamp), vectorSecret, lamina.VerifyOptions{Now: at}); err != nil {
		t.Fatalf("one of several signatures: %v", err)
	}
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(vectorSecret, "whsec_"))
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(vectorID + ".1614265331." + vectorBody))
	otherTime := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	refusals := map[string]error{}
	_, refusals["tampered body"] = lamina.VerifyWebhook([]byte(vectorBody+" "), vectorHeader(vectorSignature, vectorTimestamp), vectorSecret, lamina.VerifyOptions{Now: at})
	_, refusals["wrong secret"] = lamina.VerifyWebhook([]byte(vectorBody), vectorHeader(vectorSignature, vectorTimestamp), "whsec_"+base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("x"), 32)), lamina.VerifyOptions{Now: at})
	_, refusals["stale timestamp"] = lamina.VerifyWebhook([]byte(vectorBody), vectorHeader(vectorSignature, vectorTimestamp), vectorSecret, lamina.VerifyOptions{Now: at.Add(301 * time.Second)})
	_, refusals["signature of another timestamp"] = lamina.VerifyWebhook([]byte(vectorBody), vectorHeader(otherTime, vectorTimestamp), vectorSecret, lamina.VerifyOptions{Now: at})
	_, refusals["missing headers"] = lamina.VerifyWebhook([]byte(vectorBody), http.Header{}, vectorSecret, lamina.VerifyOptions{Now: at})
	for name, err := range refusals {
		if !errors.Is(err, lamina.ErrWebhookVerification) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, secret := range []string{"", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!", "whsec_c2hvcnQ="} {
		if _, err := lamina.VerifyWebhook([]byte(vectorBody), vectorHeader(vectorSignature, vectorTimestamp), secret, lamina.VerifyOptions{Now: at}); err == nil || errors.Is(err, lamina.ErrWebhookVerification) {
			t.Errorf("the malformed secret %q: %v", secret, err)
		}
	}
}
