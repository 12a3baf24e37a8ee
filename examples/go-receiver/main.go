// A Lamina webhook receiver on net/http: verifies each delivery with the Go SDK and deduplicates on webhook-id.
//
//	LAMINA_WEBHOOK_SECRET=whsec_... go run .   # listens on :3000, POST /webhooks/lamina
package main

import (
	"errors"
	"io"
	"log"
	"net/http"
	"os"
	"sync"

	"lamina"
)

func main() {
	secret := os.Getenv("LAMINA_WEBHOOK_SECRET") // whsec_... from GET /v1/webhook-secret
	var mu sync.Mutex
	seen := map[string]bool{}

	http.HandleFunc("/webhooks/lamina", func(w http.ResponseWriter, r *http.Request) {
		// The raw body: re-serialised JSON would not verify.
		body, err := io.ReadAll(io.LimitReader(r.Body, 100<<20))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		payload, err := lamina.VerifyWebhook(body, r.Header, secret)
		if errors.Is(err, lamina.ErrWebhookVerification) {
			http.Error(w, "invalid signature", http.StatusBadRequest)
			return
		} else if err != nil {
			http.Error(w, "misconfigured secret", http.StatusInternalServerError)
			return
		}
		// Deliveries are at least once: the webhook-id (the job id) is the same on every retry.
		mu.Lock()
		duplicate := seen[payload.JobID]
		seen[payload.JobID] = true
		mu.Unlock()
		if !duplicate {
			switch output, isBinary := payload.Binary(); {
			case !payload.Success:
				log.Printf("%s %s failed: %s", payload.API, payload.JobID, payload.Error.Message)
			case isBinary:
				log.Printf("%s %s: %d bytes of %s", payload.API, payload.JobID, len(output.Buffer), output.MimeType)
			default:
				if link, ok := payload.Link(); ok {
					// result_delivery "url": a signed link instead of the base64, valid until link.ExpiresAt.
					if result, err := lamina.DownloadResult(link.URL, nil); err == nil {
						log.Printf("%s %s: %d bytes of %s, downloaded", payload.API, payload.JobID, len(result.Buffer), result.MimeType)
					}
				} else {
					log.Printf("%s %s: %.200s", payload.API, payload.JobID, payload.Data)
				}
			}
		}
		w.Write([]byte("ok"))
	})
	log.Fatal(http.ListenAndServe(":3000", nil))
}
