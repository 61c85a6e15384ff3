// Package recon holds the words every stage of vxrecon shares: the class of a result (its
// order, names and colours as one list), the result of one request id, the session the API
// answers with, and the input record an id comes from. It imports nothing of this repository,
// so that input, the VX client, report, output, the job and the simulator can all speak it
// without knowing each other (docs/ARCHITECTURE.md).
package recon

import "strings"

// Class is the classification of one request id.
type Class string

// The classes, as docs/SPEC.md names them.
const (
	Pass       Class = "PASS"
	Fail       Class = "FAIL"
	InProgress Class = "IN PROGRESS"
	NotFound   Class = "NOT FOUND"
	Error      Class = "error"
)

// classTable is the one list of classes: report order, whether a class is final, and its
// colours (cell fill and font, RGB hex). Adding a class means adding a line here.
var classTable = [...]struct {
	class      Class
	final      bool
	fill, font string
}{
	{Pass, true, "C6EFCE", "006100"},        // green
	{Fail, true, "FFC7CE", "9C0006"},        // red
	{InProgress, false, "FFEB9C", "9C5700"}, // amber
	{NotFound, false, "D9D9D9", "404040"},   // grey
	{Error, false, "C00000", "FFFFFF"},      // dark red, white text
}

// NumClasses is the number of classes; Counts has one cell for each.
const NumClasses = len(classTable)

// Classes lists every class in report order.
var Classes = func() []Class {
	cs := make([]Class, NumClasses)
	for i, c := range classTable {
		cs[i] = c.class
	}
	return cs
}()

// Index returns the position of c in Classes, or -1 for a class that is not one of them.
func (c Class) Index() int {
	for i := range classTable {
		if classTable[i].class == c {
			return i
		}
	}
	return -1
}

// Valid reports whether c is one of Classes.
func (c Class) Valid() bool { return c.Index() >= 0 }

// Final reports whether a result of this class will not change and need not be asked again.
func (c Class) Final() bool {
	i := c.Index()
	return i >= 0 && classTable[i].final
}

// Colors returns the cell fill and font colour of c (RGB hex, as "C6EFCE"); an unknown class
// gets the colours of Error.
func (c Class) Colors() (fill, font string) {
	i := c.Index()
	if i < 0 {
		i = Error.Index()
	}
	return classTable[i].fill, classTable[i].font
}

// Key is c as one word for logs and key=value lines: "PASS", "IN_PROGRESS", "error".
func (c Class) Key() string { return strings.ReplaceAll(string(c), " ", "_") }

// Counts holds one number per class, indexed as Classes.
type Counts [NumClasses]int

// Add counts one result of class c; an unknown class counts as Error, since a class the code
// does not know is a fault.
func (n *Counts) Add(c Class) {
	i := c.Index()
	if i < 0 {
		i = Error.Index()
	}
	n[i]++
}

// Of returns the count of class c (0 for an unknown class).
func (n *Counts) Of(c Class) int {
	if i := c.Index(); i >= 0 {
		return n[i]
	}
	return 0
}

// Total returns the sum over all classes.
func (n *Counts) Total() int {
	t := 0
	for _, v := range n {
		t += v
	}
	return t
}
