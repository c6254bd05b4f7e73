package oidcprovider

import (
	"fmt"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/keyward-iam/keyward/service"
)

// Sign returns the compact JWT of claims signed with key, its header
// naming the key's kid and the type JWT.
func Sign(key *service.SigningKey, claims ...any) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{
		Algorithm: jose.SignatureAlgorithm(key.Algorithm),
		Key:       jose.JSONWebKey{Key: key.Key, KeyID: key.ID},
	}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("oidcprovider: signer: %w", err)
	}
	b := jwt.Signed(signer)
	for _, c := range claims {
		b = b.Claims(c)
	}
	return b.Serialize()
}

// SignWorkload returns the signed workload token of g: iss the provider's
// issuer, sub the principal, aud the chosen audience, jti the record's id,
// and keyward's claims beside.
func SignWorkload(g *service.WorkloadGrant) (string, error) {
	t := g.Token
	std := jwt.Claims{
		Issuer: g.Issuer, Subject: t.Subject, Audience: jwt.Audience{t.Audience}, ID: t.ID,
		IssuedAt: jwt.NewNumericDate(t.CreatedAt), NotBefore: jwt.NewNumericDate(t.CreatedAt), Expiry: jwt.NewNumericDate(t.ExpiresAt),
	}
	return Sign(g.Key, std, g.Claims)
}
