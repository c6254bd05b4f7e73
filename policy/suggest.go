package policy

import "strconv"

// Nearest returns the candidate closest to s by case-insensitive edit distance, if one is
// close enough to be a plausible typo: at most a third of the length of s, and at least 1.
// Ties go to the earlier candidate.
func Nearest(s string, candidates []string) (string, bool) {
	limit := max(len(s)/3, 1)
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if d := editDistance(s, c, bestDist-1); d < bestDist {
			best, bestDist = c, d
			if d == 0 {
				break
			}
		}
	}
	return best, best != ""
}

// editDistance is the optimal-string-alignment distance between a and b
// (Levenshtein's, with two adjacent letters swapped counting as one edit,
// the commonest typo), ASCII letters compared without case. It gives up
// early and returns limit+1 once the distance must exceed limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if lower(a[i-1]) == lower(b[j-1]) {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && lower(a[i-1]) == lower(b[j-2]) && lower(a[i-2]) == lower(b[j-1]) {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// lower folds an ASCII upper-case letter to lower case.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// didYouMean formats the suggestion suffix of an error message, or "" when nothing is close.
func (l *errorList) didYouMean(s string, candidates []string) string {
	if l.suggestions <= 0 {
		return ""
	}
	l.suggestions--
	if c, ok := Nearest(s, candidates); ok {
		return " (did you mean " + strconv.Quote(c) + "?)"
	}
	return ""
}
