package input_test

import (
	"fmt"
	"strings"

	"github.com/vxrecon/vxrecon/input"
)

func ExampleRead() {
	csv := "\ufeffRequest ID,Customer\r\n" +
		"19fe3b9e-384e-41d1-bded-8de9ef3abacb,Jane Doe\r\n" +
		"\r\n" +
		"bad/id,John Doe\r\n" +
		" 19fe3b9e-384e-41d1-bded-8de9ef3abacb ,Jane Doe again\r\n"
	b, err := input.Read(strings.NewReader(csv), input.Options{Name: "ids.csv"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("columns:", b.Columns)
	for _, r := range b.Records {
		fmt.Println("id", r.ID, "lines", r.Lines(), "fields", r.Fields)
	}
	for _, bad := range b.Invalid {
		fmt.Printf("line %d: %s: %s\n", bad.Line, bad.Value, bad.Reason)
	}
	fmt.Println("rows", b.Rows, "duplicates", b.Duplicates)

	_, err = input.Read(strings.NewReader("name,ref\nJane Doe,abc\n"), input.Options{Name: "ids.csv"})
	fmt.Println(err)
	// Output:
	// columns: [Customer]
	// id 19fe3b9e-384e-41d1-bded-8de9ef3abacb lines [2 5] fields [Jane Doe]
	// line 4: bad/id: invalid character '/' in request id
	// rows 3 duplicates 1
	// ids.csv:1: no request id column in the first row (2 columns, none named request_id, Request ID or requestId); use -column NAME
}
