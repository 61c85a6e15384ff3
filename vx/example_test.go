package vx_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/vxrecon/vxrecon/vx"
)

// Run fetches ids with bounded concurrency and delivers each classified result as soon as it
// is in; here they are collected and printed in input order.
func ExampleClient_Fetch() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/api/session/result/")
		switch id {
		case "a-1":
			fmt.Fprintf(w, `{"request_id":%q,"status":"PASS"}`, id)
		case "b-2":
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprint(w, `{"message":"IN PROGRESS"}`)
		case "c-3":
			w.WriteHeader(http.StatusNotFound)
		default:
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	defer api.Close()

	c, err := vx.New(vx.Config{BaseURL: api.URL, Credentials: vx.Credentials{Token: "example"}})
	if err != nil {
		panic(err)
	}
	ids := []string{"a-1", "b-2", "c-3", "d-4"}
	for _, id := range ids { // batch fetches many at once; Fetch is safe for concurrent use
		r := c.Fetch(context.Background(), id)
		fmt.Println(strings.TrimSpace(r.ID + " " + string(r.Class) + " " + r.Err))
	}
	// Output:
	// a-1 PASS
	// b-2 IN PROGRESS
	// c-3 NOT FOUND
	// d-4 error http 400
}
