package httpapi

import (
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// mfaFactorReq is the second factor a request presents: a TOTP code or a
// recovery code.
type mfaFactorReq struct {
	TOTPCode     string `json:"totp_code"`
	RecoveryCode string `json:"recovery_code"`
}

func (f mfaFactorReq) factor() service.SecondFactor {
	return service.SecondFactor{TOTPCode: f.TOTPCode, RecoveryCode: f.RecoveryCode}
}

type mfaStatusJSON struct {
	TOTP              string `json:"totp"`
	DateConfirmed     string `json:"date_confirmed,omitempty"`
	RecoveryCodesLeft int    `json:"recovery_codes_left"`
}

func (s *server) handleGetMFA() http.Handler {
	return callHandler(s, nil, http.StatusOK, func(r *http.Request, _ string, _ *noBody) (any, error) {
		st, err := s.svc.GetMFA(r.Context())
		if err != nil {
			return nil, err
		}
		return struct {
			MFA mfaStatusJSON `json:"mfa"`
		}{mfaStatusJSON{TOTP: st.TOTP, DateConfirmed: timeJSON(st.ConfirmedAt), RecoveryCodesLeft: st.RecoveryCodesLeft}}, nil
	})
}

// totpEnrollmentJSON is a pending authenticator, shown once.
type totpEnrollmentJSON struct {
	Secret string `json:"secret"`
	URI    string `json:"otpauth_uri"`
	Status string `json:"status"`
}

func (s *server) handleEnrollTOTP() http.Handler {
	return callHandler(s, nil, http.StatusCreated, func(r *http.Request, _ string, _ *struct{}) (any, error) {
		e, err := s.svc.EnrollTOTP(r.Context())
		if err != nil {
			return nil, err
		}
		return struct {
			TOTP totpEnrollmentJSON `json:"totp"`
		}{totpEnrollmentJSON{e.Secret, e.URI, "pending"}}, nil
	})
}

func (s *server) handleConfirmTOTP() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			TOTPCode string `json:"totp_code"`
		}
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		codes, err := s.svc.ConfirmTOTP(r.Context(), req.TOTPCode)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, struct {
			RecoveryCodes []string `json:"recovery_codes"`
		}{codes})
	})
}

func (s *server) handleDisableTOTP() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req mfaFactorReq
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := s.svc.DisableTOTP(r.Context(), req.factor()); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *server) handleResetMFA() http.Handler {
	return s.userNoContent(func(r *http.Request, id keyward.UserID) error { return s.svc.ResetMFA(r.Context(), id) })
}

type mfaPolicyJSON struct {
	RequireMFA bool `json:"require_mfa"`
}

func (s *server) handleGetMFAPolicy() http.Handler {
	return callHandler(s, inPath("organization_id"), http.StatusOK, func(r *http.Request, id string, _ *noBody) (any, error) {
		on, err := s.svc.RequireMFA(r.Context(), keyward.OrgID(id))
		if err != nil {
			return nil, err
		}
		return struct {
			Policy mfaPolicyJSON `json:"mfa_policy"`
		}{mfaPolicyJSON{on}}, nil
	})
}

func (s *server) handleSetMFAPolicy() http.Handler {
	type request struct {
		RequireMFA *bool `json:"require_mfa"`
	}
	return callHandler(s, inPath("organization_id"), http.StatusOK, func(r *http.Request, id string, req *request) (any, error) {
		if err := s.svc.SetRequireMFA(r.Context(), keyward.OrgID(id), req.RequireMFA); err != nil {
			return nil, err
		}
		return struct {
			Policy mfaPolicyJSON `json:"mfa_policy"`
		}{mfaPolicyJSON{*req.RequireMFA}}, nil
	})
}
