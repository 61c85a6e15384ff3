package output

import "hash/crc32"

// crc32Combine returns the CRC-32 (IEEE) of the concatenation of two byte strings, from the
// CRC of the first, crc1, and the CRC and length of the second: a zip entry spliced from a
// head, rows compressed long before, and a tail gets its checksum without reading the rows
// again. It is zlib's crc32_combine: appending len2 zero bytes to the first string is a linear
// map over GF(2), applied by squaring a matrix (the zero operator) once per bit of len2.
func crc32Combine(crc1, crc2 uint32, len2 int64) uint32 {
	if len2 <= 0 {
		return crc1
	}
	var even, odd [32]uint32 // operators for 2^k zero bits, k even and odd
	odd[0] = crc32.IEEE      // the operator for one zero bit
	row := uint32(1)
	for n := 1; n < 32; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(even[:], odd[:]) // two zero bits
	gf2Square(odd[:], even[:]) // four zero bits
	for {
		gf2Square(even[:], odd[:]) // the next power of two, in bytes: one zero byte first
		if len2&1 != 0 {
			crc1 = gf2Times(even[:], crc1)
		}
		len2 >>= 1
		if len2 == 0 {
			break
		}
		gf2Square(odd[:], even[:])
		if len2&1 != 0 {
			crc1 = gf2Times(odd[:], crc1)
		}
		len2 >>= 1
		if len2 == 0 {
			break
		}
	}
	return crc1 ^ crc2
}

// gf2Times multiplies the 32×32 GF(2) matrix mat by the vector vec.
func gf2Times(mat []uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

// gf2Square sets square to mat × mat.
func gf2Square(square, mat []uint32) {
	for n := range 32 {
		square[n] = gf2Times(mat, mat[n])
	}
}
