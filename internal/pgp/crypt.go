package pgp

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/ProtonMail/gopenpgp/v3/constants"
	"github.com/ProtonMail/gopenpgp/v3/crypto"

	"github.com/parleycvd/parley/internal/errs"
)

// MaxMessageBytes bounds an OpenPGP message given to Decrypt or Verify, and
// what a compressed message may expand to.
const MaxMessageBytes = 32 << 20

// Signature is what a signature check found.
type Signature struct {
	Signed bool // the data carried a signature
	Valid  bool // the signature verified with one of the keys given
	// Fingerprint names the signer: the primary fingerprint of the key that
	// verified it, or else the issuer fingerprint the signature itself claims
	// (possibly a subkey's), upper-case hex; empty when neither is known.
	Fingerprint string
	KeyID       string    // the issuer key ID the signature claims, upper-case hex
	Created     time.Time // when the signature says it was made
	Problem     string    // why it is not valid, for people; empty when Valid or not Signed
}

// Decrypted is a decrypted message.
type Decrypted struct {
	Plaintext []byte
	Filename  string    // from the literal data packet, if the sender set one
	Signature Signature // a signature inside the encrypted message, if any
}

// Encrypt encrypts plaintext to every recipient (and, when signer is set,
// signs it inside the encryption and encrypts to the signer too, so that the
// sent copy stays readable) and returns an armoured OpenPGP message.
func Encrypt(plaintext []byte, recipients []Key, signer *Identity, now time.Time) ([]byte, error) {
	if len(recipients) == 0 {
		return nil, errs.E(errs.Invalid, "no recipient keys to encrypt to")
	}
	keys := recipients
	for _, k := range recipients {
		ck, err := k.parsed()
		if err != nil {
			return nil, err
		}
		if !ck.CanEncrypt(now.Unix()) {
			return nil, errs.E(errs.Invalid, "the key %s cannot encrypt now: it is expired, revoked or has no encryption subkey", k.Fingerprint)
		}
	}
	if signer != nil {
		keys = append(append([]Key(nil), recipients...), signer.Key)
	}
	kr, err := keyRing(keys)
	if err != nil {
		return nil, err
	}
	b := crypto.PGP().Encryption().Recipients(kr).EncryptionTime(now.Unix())
	if signer != nil {
		b = b.SigningKey(signer.priv).SignTime(now.Unix())
	}
	h, err := b.New()
	if err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	msg, err := h.Encrypt(plaintext)
	if err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	return msg.ArmorBytes()
}

// Sign makes an armoured detached signature of data.
func Sign(data []byte, signer *Identity, now time.Time) ([]byte, error) {
	h, err := crypto.PGP().Sign().SigningKey(signer.priv).SignTime(now.Unix()).Detached().New()
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	sig, err := h.Sign(data, crypto.Armor)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return sig, nil
}

// SignCleartext signs text as a cleartext-signed message (-----BEGIN PGP
// SIGNED MESSAGE-----), readable without OpenPGP software.
func SignCleartext(text []byte, signer *Identity, now time.Time) ([]byte, error) {
	h, err := crypto.PGP().Sign().SigningKey(signer.priv).SignTime(now.Unix()).New()
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	out, err := h.SignCleartext(text)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return out, nil
}

// Verify checks a detached signature (armoured or binary) over data against
// keys. An unknown signer or a bad signature is not an error but a
// Signature with Valid false and a Problem; the error is for a signature
// that cannot be read at all.
func Verify(data, signature []byte, keys []Key, now time.Time) (s Signature, err error) {
	defer guard(&err)
	if len(signature) > MaxMessageBytes {
		return Signature{}, errs.E(errs.TooLarge, "the signature is too large")
	}
	bin, err := dearmor(signature, "PGP SIGNATURE")
	if err != nil {
		return Signature{}, err
	}
	claimed, err := issuer(bin)
	if err != nil {
		return Signature{}, err
	}
	if len(keys) == 0 {
		claimed.Problem = "no key on file for the signer"
		return claimed, nil
	}
	kr, err := keyRing(keys)
	if err != nil {
		return Signature{}, err
	}
	h, err := crypto.PGP().Verify().VerificationKeys(kr).VerifyTime(now.Unix()).MaxDecompressedMessageSize(MaxMessageBytes).New()
	if err != nil {
		return Signature{}, fmt.Errorf("verify: %w", err)
	}
	res, err := h.VerifyDetached(data, bin, crypto.Bytes)
	if err != nil {
		return Signature{}, errs.Wrap(errs.Invalid, err, "the signature cannot be checked")
	}
	return signatureOf(res, claimed), nil
}

// VerifyCleartext reads a cleartext-signed message (-----BEGIN PGP SIGNED
// MESSAGE-----), returning its text and what its signature check found.
func VerifyCleartext(message []byte, keys []Key, now time.Time) (text []byte, s Signature, err error) {
	defer guard(&err)
	if len(message) > MaxMessageBytes {
		return nil, Signature{}, errs.E(errs.TooLarge, "the signed message is too large")
	}
	block, _ := clearsign.Decode(message)
	if block == nil {
		return nil, Signature{}, errs.E(errs.Invalid, "is not a readable cleartext-signed message")
	}
	sig, err := io.ReadAll(io.LimitReader(block.ArmoredSignature.Body, MaxMessageBytes))
	if err != nil {
		return nil, Signature{}, errs.Wrap(errs.Invalid, err, "the signature of the cleartext-signed message is unreadable")
	}
	s, err = Verify(block.Bytes, sig, keys, now)
	if err != nil {
		return nil, Signature{}, err
	}
	return block.Plaintext, s, nil
}

// Decrypt decrypts an armoured or binary OpenPGP message with any of the
// identities, checking a signature inside it against verifiers (which may
// be empty: the signature is then reported with its claimed signer and not
// valid).
func Decrypt(message []byte, ids []*Identity, verifiers []Key, now time.Time) (d Decrypted, err error) {
	defer guard(&err)
	if len(message) > MaxMessageBytes {
		return Decrypted{}, errs.E(errs.TooLarge, "the encrypted message is larger than %d MiB", MaxMessageBytes>>20)
	}
	bin, err := dearmor(message, "PGP MESSAGE")
	if err != nil {
		return Decrypted{}, err
	}
	if err := checkRecipients(bin, ids); err != nil {
		return Decrypted{}, err
	}
	kr, err := identityRing(ids)
	if err != nil {
		return Decrypted{}, err
	}
	b := crypto.PGP().Decryption().DecryptionKeys(kr).
		MaxDecompressedMessageSize(MaxMessageBytes).
		VerifyTime(now.Unix())
	if len(verifiers) > 0 {
		vk, err := keyRing(verifiers)
		if err != nil {
			return Decrypted{}, err
		}
		b = b.VerificationKeys(vk)
	}
	h, err := b.New()
	if err != nil {
		return Decrypted{}, fmt.Errorf("decrypt: %w", err)
	}
	res, err := h.Decrypt(bin, crypto.Bytes)
	if err != nil {
		return Decrypted{}, errs.Wrap(errs.Invalid, err, "the encrypted message cannot be decrypted")
	}
	d.Plaintext = res.Bytes()
	if md := res.Metadata(); md != nil {
		d.Filename = md.Filename()
	}
	d.Signature = signatureOf(&res.VerifyResult, Signature{})
	if d.Signature.Signed && len(verifiers) == 0 {
		d.Signature.Problem = "no key on file for the signer"
	}
	return d, nil
}

// checkRecipients names the key IDs a message is encrypted to when this
// instance holds none of them, which is the usual reason mail cannot be read.
func checkRecipients(bin []byte, ids []*Identity) error {
	if len(ids) == 0 {
		return errs.E(errs.Internal, "no decryption keys")
	}
	held := map[uint64]bool{}
	for _, id := range ids {
		if id == nil || id.priv == nil {
			continue
		}
		e := id.priv.GetEntity()
		held[e.PrimaryKey.KeyId] = true
		for _, sk := range e.Subkeys {
			held[sk.PublicKey.KeyId] = true
		}
	}
	r := packet.NewReader(bytes.NewReader(bin))
	var to []string
	for range 1000 {
		p, err := r.Next()
		if err != nil {
			break
		}
		ek, ok := p.(*packet.EncryptedKey)
		if !ok {
			break
		}
		if ek.KeyId == 0 || held[ek.KeyId] { // 0: a hidden recipient, try every key
			return nil
		}
		to = append(to, fmt.Sprintf("%016X", ek.KeyId))
	}
	if len(to) == 0 {
		return nil // not public-key encrypted, or unreadable: let decryption say why
	}
	return errs.E(errs.Invalid, "the message is encrypted to key ID %s, which this instance does not hold", strings.Join(to, ", "))
}

// dearmor returns the binary packets of data, removing armour of the given
// type when present.
func dearmor(data []byte, blockType string) ([]byte, error) {
	if len(data) > 0 && data[0]&0x80 != 0 { // binary packets; never trim them
		return data, nil
	}
	text := bytes.TrimSpace(data)
	if !bytes.HasPrefix(text, []byte("-----BEGIN ")) {
		return nil, errs.E(errs.Invalid, "is not an OpenPGP %s", strings.ToLower(strings.TrimPrefix(blockType, "PGP ")))
	}
	block, err := armor.Decode(bytes.NewReader(text))
	if err != nil {
		return nil, errs.Wrap(errs.Invalid, err, "the OpenPGP armour is damaged")
	}
	if block.Type != blockType {
		return nil, errs.E(errs.Invalid, "expected an armoured %s, found %s", blockType, block.Type)
	}
	bin, err := io.ReadAll(io.LimitReader(block.Body, MaxMessageBytes+1))
	if err != nil {
		return nil, errs.Wrap(errs.Invalid, err, "the OpenPGP armour is damaged")
	}
	if len(bin) > MaxMessageBytes {
		return nil, errs.E(errs.TooLarge, "the OpenPGP data is larger than %d MiB", MaxMessageBytes>>20)
	}
	return bin, nil
}

// issuer reads who a binary signature claims to be from.
func issuer(bin []byte) (Signature, error) {
	p, err := packet.NewReader(bytes.NewReader(bin)).Next()
	if err != nil {
		return Signature{}, errs.Wrap(errs.Invalid, err, "the signature is unreadable")
	}
	sig, ok := p.(*packet.Signature)
	if !ok {
		return Signature{}, errs.E(errs.Invalid, "expected a signature, found another OpenPGP packet")
	}
	s := Signature{Signed: true, Created: sig.CreationTime.UTC()}
	if sig.IssuerKeyId != nil {
		s.KeyID = fmt.Sprintf("%016X", *sig.IssuerKeyId)
	}
	if len(sig.IssuerFingerprint) > 0 {
		s.Fingerprint = fingerprint(sig.IssuerFingerprint)
	}
	return s, nil
}

// signatureOf turns gopenpgp's result into a Signature: the first signature
// that verified, else the last one whose key was known, else the last one.
func signatureOf(vr *crypto.VerifyResult, claimed Signature) Signature {
	if vr == nil || len(vr.Signatures) == 0 {
		if claimed.Signed {
			claimed.Problem = "no matching signature"
		}
		return claimed
	}
	var pick *crypto.VerifiedSignature
	for _, v := range vr.Signatures {
		if v == nil {
			continue
		}
		if v.SignatureError == nil && v.SignedBy != nil {
			pick = v
			break
		}
		if pick == nil || v.SignedBy != nil || pick.SignedBy == nil {
			pick = v
		}
	}
	if pick == nil {
		return claimed
	}
	s := Signature{Signed: true}
	if sig := pick.Signature; sig != nil {
		s.Created = sig.CreationTime.UTC()
		if sig.IssuerKeyId != nil {
			s.KeyID = fmt.Sprintf("%016X", *sig.IssuerKeyId)
		}
		if len(sig.IssuerFingerprint) > 0 {
			s.Fingerprint = fingerprint(sig.IssuerFingerprint)
		}
	}
	if pick.SignedBy != nil {
		s.Fingerprint = strings.ToUpper(pick.SignedBy.GetFingerprint())
	}
	switch e := pick.SignatureError; {
	case e == nil && pick.SignedBy != nil:
		s.Valid = true
	case e == nil, e.Status == constants.SIGNATURE_NO_VERIFIER:
		s.Problem = "no key on file for the signer"
	case e.Status == constants.SIGNATURE_FAILED:
		s.Problem = "the signature does not verify"
		if e.Cause != nil {
			s.Problem += ": " + e.Cause.Error()
		}
	default:
		s.Problem = e.Message
	}
	if s.KeyID == "" {
		s.KeyID = claimed.KeyID
	}
	if s.Fingerprint == "" {
		s.Fingerprint = claimed.Fingerprint
	}
	return s
}

// guard turns a panic in the OpenPGP library on hostile input into an
// Internal error, so a server goroutine survives it and tests notice it.
func guard(err *error) {
	if p := recover(); p != nil {
		*err = &errs.Error{Kind: errs.Internal, Message: "the OpenPGP library failed on this input", Err: fmt.Errorf("panic: %v", p)}
	}
}
