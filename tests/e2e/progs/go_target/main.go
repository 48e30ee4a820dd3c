// go_target: functions for uprobe_go.sh, called with known arguments.
package main

import (
	"os"
	"time"
)

type point struct{ x, y int }

//go:noinline
func add(a, b int) int { return a + b }

//go:noinline
func (p *point) scale(k int) int { return (p.x + p.y) * k }

// a string and a slice: each is passed in several registers
//
//go:noinline
func greet(name string, tags []string, unused int) int { return len(name) + len(tags) }

// more integers than Go's nine argument registers: j is on the stack
//
//go:noinline
func spill(a, b, c, d, e, f, g, h, i, j int) int { return a + b + c + d + e + f + g + h + i + j }

func main() {
	// wait for the file named by the first argument (fathom attached)
	for i := 0; len(os.Args) > 1 && i < 2000; i++ {
		if _, err := os.Stat(os.Args[1]); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	p := &point{3, 4}
	for i := 1; i <= 3; i++ {
		add(i, 10*i)
		p.scale(i)
	}
	greet("gopher", []string{"a", "b"}, 7)
	spill(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
}
