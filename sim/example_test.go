package sim_test

import (
	"fmt"
	"io"
	"net/http"

	"github.com/vxrecon/vxrecon/sim"
)

// A test asks for a behaviour by asking for an id that names it.
func ExampleID() {
	id := sim.ID(sim.CaseFlaky, 42)
	fmt.Println(id, sim.CaseOf(id), sim.CaseOf(id).Expected())
	// Output: sim-flaky-000042 flaky PASS
}

func ExampleStart() {
	srv, err := sim.Start(sim.Options{Token: "t"})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	id := sim.ID(sim.CaseFlaky, 1)
	for range 3 {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/session/result/"+id, nil)
		req.Header.Set("Authorization", "Bearer t")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	fmt.Println("attempts:", srv.RequestsFor(id))
	// Output:
	// 500
	// 500
	// 200
	// attempts: 3
}
