package fakeapi_test

import (
	"fmt"
	"io"
	"net/http"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

func Example() {
	srv := fakeapi.NewServer(fakeapi.Options{Seed: 1})
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/v1/retrieve-call-logs/42?last=7days&page_size=100", nil)
	req.Header.Set("X-API-Key", fakeapi.DefaultAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	// A test compares what its client produced with what the fake holds.
	want := srv.Expected("42", "", "7days")
	log := srv.Requests()
	fmt.Println(resp.StatusCode, len(want) > 100, log[0].AgentID, log[0].PageSize, log[0].KeyValid)
	// Output: 200 true 42 100 true
}
