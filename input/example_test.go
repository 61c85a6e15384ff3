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
	for _, r := range b.Records() {
		fmt.Println("id", r.ID, "lines", r.Lines(), "fields", r.Fields)
	}
	for _, bad := range b.Invalid {
		fmt.Printf("line %d: %s: %s\n", bad.Line, bad.Value, bad.Reason)
	}
	fmt.Println("rows", b.Rows, "duplicates", b.Duplicates)

	_, err = input.Read(strings.NewReader("name,ref\nJane Doe,abc\n"), input.Options{Name: "ids.csv"})
	fmt.Println(err)
	// Output:
	// columns: [{Customer false}]
	// id 19fe3b9e-384e-41d1-bded-8de9ef3abacb lines [2 5] fields [Jane Doe]
	// line 4: bad/id: invalid character '/' in request id
	// rows 3 duplicates 1
	// ids.csv:1: no request id column in the first row (2 columns, none named request_id, Request ID or requestId); use -column NAME
}

// A CSV delimited by ';' with decimal commas and a price column: the delimiter and the
// amount column are detected, every line keeps its amount, and the price column is typed as
// numbers, rewritten with a decimal point.
func ExampleRead_amounts() {
	csv := "request_id;Price;Ref\n" +
		"abc;1,50;007\n" +
		"def;2;008\n" +
		"abc;1,50;009\n" +
		";3;010\n"
	b, err := input.Read(strings.NewReader(csv), input.Options{Name: "ids.csv"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("amount column:", b.Amount)
	for _, c := range b.Columns {
		fmt.Println("column", c.Name, "numeric", c.Numeric)
	}
	for _, r := range b.Records() {
		fmt.Println("id", r.ID, "lines", r.Lines(), "amounts", r.Amounts, "fields", r.Fields)
	}
	for _, bad := range b.Invalid {
		fmt.Printf("line %d: %s (amount %v)\n", bad.Line, bad.Reason, bad.Amount)
	}
	// Output:
	// amount column: Price
	// column Price numeric true
	// column Ref numeric false
	// id abc lines [2 4] amounts [1.5 1.5] fields [1.50 007]
	// id def lines [3] amounts [2] fields [2 008]
	// line 5: empty request id (amount 3)
}
