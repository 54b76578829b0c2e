package api

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// keyLog records the X-API-Key each request to a server carried.
type keyLog struct {
	mu   sync.Mutex
	keys []string
}

func (k *keyLog) record(r *http.Request) {
	k.mu.Lock()
	k.keys = append(k.keys, r.Header.Get("X-API-Key"))
	k.mu.Unlock()
}

func (k *keyLog) all() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.keys...)
}

// A redirect to another host (or scheme) does not carry the key; one on the configured host does.
func TestRedirectCarriesTheKeyOnlyToTheBaseHost(t *testing.T) {
	elsewhere := &keyLog{}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.record(r)
		_, _ = w.Write([]byte(`[]`))
	}))
	defer other.Close()
	home := &keyLog{}
	base := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		home.record(r)
		switch r.URL.Path {
		case "/v1/all-agents":
			http.Redirect(w, r, other.URL+"/v1/all-agents", http.StatusTemporaryRedirect)
		case "/v1/retrieve-call-log/moved":
			http.Redirect(w, r, "/v1/retrieve-call-log/here", http.StatusFound)
		default:
			_, _ = w.Write([]byte(`{"call_log":{"id":"here","agent_id":"a"}}`))
		}
	}))
	defer base.Close()
	c := newClient(t, base.URL, Config{})

	if _, err := c.ListAgents(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := elsewhere.all(); len(got) != 1 || got[0] != "" {
		t.Fatalf("the other host received X-API-Key %q", got)
	}
	if _, err := c.GetCallLog(context.Background(), "moved"); err != nil {
		t.Fatal(err)
	}
	if got := home.all(); len(got) != 3 || got[0] != testKey || got[1] != testKey || got[2] != testKey {
		t.Fatalf("the base host did not get the key on every request, redirects included: %d requests", len(got))
	}
}

// An https base URL whose certificate this machine does not trust fails with a message that
// says so, after one handshake: a certificate does not become trusted by retrying.
func TestUntrustedCertificateFailsOnceWithAHint(t *testing.T) {
	var handshakes, requests atomic.Int64
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
	}))
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			handshakes.Add(1)
		}
	}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshake is expected
	ts.StartTLS()
	defer ts.Close()
	c := newClient(t, ts.URL, Config{MaxRetries: 5})
	_, err := c.ListAgents(context.Background())
	noKey(t, err)
	if !isRequestError(err) || !strings.Contains(err.Error(), "certificate") || !strings.Contains(err.Error(), "not trusted by this machine") {
		t.Fatalf("got %v", err)
	}
	if handshakes.Load() != 1 || requests.Load() != 0 {
		t.Fatalf("%d connections, %d requests: an untrusted certificate must not be retried", handshakes.Load(), requests.Load())
	}
}

// A key that cannot go in a header (a pasted line break) fails before any request, and the
// error does not repeat it.
func TestKeyWithALineBreakFailsWithoutEchoingIt(t *testing.T) {
	var requests atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { requests.Add(1) }))
	defer ts.Close()
	key := testKey + "\nX-Other: 1"
	c := newClient(t, ts.URL, Config{APIKey: key, MaxRetries: 3})
	_, err := c.ListAgents(context.Background())
	if err == nil || strings.Contains(err.Error(), testKey) || requests.Load() != 0 {
		t.Fatalf("err %v after %d requests", err, requests.Load())
	}
}

// TLS verification is never turned off anywhere in the plugin's code.
func TestNoCodeTurnsOffTLSVerification(t *testing.T) {
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "InsecureSkipVerify") {
			t.Errorf("%s mentions InsecureSkipVerify", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
