package service

import (
	"context"

	"github.com/keyward-iam/keyward"
)

// readPage returns the page that list reads in one read transaction of
// store.
func readPage[T any](ctx context.Context, store keyward.Store, list func(tx keyward.Tx) ([]T, keyward.PageInfo, error)) ([]T, keyward.PageInfo, error) {
	var out []T
	var info keyward.PageInfo
	err := store.ReadTx(ctx, func(tx keyward.Tx) error {
		var err error
		out, info, err = list(tx)
		return err
	})
	return out, info, err
}
