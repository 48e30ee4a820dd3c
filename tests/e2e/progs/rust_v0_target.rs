// rust_v0_target.rs - a Rust program for uprobe tests of Rust's v0 symbol
// mangling (built with -C symbol-mangling-version=v0): a plain function
// (shapes::area), a trait method (<Square as Shape>::sides), a generic
// function with a const parameter (scaled::<u32, 3>) and a closure, each
// called once with known values. area is called from scaled, so that
// area's ustack has scaled's v0 name below it.
trait Shape {
    fn sides(&self) -> u32;
}

struct Square(u32);

impl Shape for Square {
    #[inline(never)]
    fn sides(&self) -> u32 {
        4 + self.0 * 0
    }
}

mod shapes {
    #[inline(never)]
    pub fn area(width: u64, height: u64) -> u64 {
        width * height
    }
}

#[inline(never)]
fn scaled<T: Into<u64>, const N: u64>(width: T) -> u64 {
    shapes::area(width.into(), 7) * N
}

fn main() {
    let square = Square(std::env::args().count() as u32);
    let double = |x: u64| x * 2;
    let total = scaled::<u32, 3>(6) + u64::from(square.sides());
    println!("{}", double(total));
}
