;; protocol-registry
;; Which protocols may be insured: listings (open source only), audits recorded by approved
;; auditors, incident history, and a transparent, deterministic risk score -> tier -> annual rate.

;; ---------------------------------------------------------------------------------------------
;; Errors (band u2000)
;; ---------------------------------------------------------------------------------------------
(define-constant ERR-NOT-AUTHORIZED (err u2000))
(define-constant ERR-NAME-TAKEN (err u2001))
(define-constant ERR-UNKNOWN-PROTOCOL (err u2002))
(define-constant ERR-INVALID-NAME (err u2003))
(define-constant ERR-SOURCE-NOT-PUBLIC (err u2004))
(define-constant ERR-INVALID-CATEGORY (err u2005))
(define-constant ERR-NO-TEAM (err u2006))
(define-constant ERR-INVALID-STATUS (err u2007))
(define-constant ERR-INVALID-VERDICT (err u2008))
(define-constant ERR-NOT-LISTED (err u2009))
(define-constant ERR-NOT-AUDITED (err u2010))
(define-constant ERR-PROTOCOL-PAUSED (err u2011))
(define-constant ERR-AUDIT-FAILED (err u2012))
(define-constant ERR-INVALID-URI (err u2013))

;; ---------------------------------------------------------------------------------------------
;; Constants
;; ---------------------------------------------------------------------------------------------
(define-constant STATUS-PENDING u1)
(define-constant STATUS-ACTIVE u2)
(define-constant STATUS-PAUSED u3)
(define-constant STATUS-DELISTED u4)
(define-constant STATUS-REJECTED u5)

(define-constant VERDICT-PASS u1)
(define-constant VERDICT-PASS-WITH-CONDITIONS u2)
(define-constant VERDICT-FAIL u3)

;; Categories: 1 dex, 2 lending, 3 bridge, 4 stablecoin, 5 yield, 6 derivatives, 7 liquid-staking,
;; 8 nft, 9 other. Their base risk points (bridges and derivatives carry the most history of loss).
(define-constant CATEGORY-POINTS (list u10 u12 u30 u15 u20 u20 u12 u8 u15))

(define-constant SECONDS-PER-DAY u86400)

;; A protocol's name is its handle in links, badges and commands: lowercase letters, digits and "-".
(define-constant NAME-CHARS "abcdefghijklmnopqrstuvwxyz0123456789-")

;; ---------------------------------------------------------------------------------------------
;; State
;; ---------------------------------------------------------------------------------------------
(define-data-var last-protocol-id uint u0)
(define-data-var last-audit-id uint u0)

(define-map protocols uint {
  name: (string-ascii 48),
  website: (string-ascii 128),
  source-url: (string-ascii 256),
  chain: (string-ascii 24),
  category: uint,
  team: (list 5 principal),
  submitter: principal,
  status: uint,
  submitted-at: uint,
  listed-at: uint,
  audit-count: uint,
  latest-audit-id: uint,
  incident-count: uint
})
(define-map protocol-ids-by-name (string-ascii 48) uint)
(define-map team-members { protocol-id: uint, who: principal } bool)

(define-map audits uint {
  protocol-id: uint,
  auditor: principal,
  report-hash: (buff 32),
  report-uri: (string-ascii 256),
  critical: uint,
  high: uint,
  medium: uint,
  low: uint,
  verdict: uint,
  recorded-at: uint
})

;; ---------------------------------------------------------------------------------------------
;; Helpers
;; ---------------------------------------------------------------------------------------------
(define-private (is-risk-oracle (who principal))
  (contract-call? .insurance-council has-role "risk-oracle" who))

(define-private (starts-with-https (uri (string-ascii 256)))
  (is-eq (slice? uri u0 u8) (some "https://")))

(define-private (add-team-member (who principal) (protocol-id uint))
  (begin (map-set team-members { protocol-id: protocol-id, who: who } true) protocol-id))

(define-private (min-uint (a uint) (b uint)) (if (< a b) a b))

(define-private (name-char-ok (c (string-ascii 1)) (so-far bool))
  (and so-far (is-some (index-of? NAME-CHARS c))))

;; Canonical names only (2 to 48 of [a-z0-9-], not starting with "-"), so that one protocol cannot be
;; listed twice under case variants ("StackSwap" beside "stackswap").
(define-private (is-canonical-name (name (string-ascii 48)))
  (and (>= (len name) u2) (fold name-char-ok name true) (not (is-eq (slice? name u0 u1) (some "-")))))

;; ---------------------------------------------------------------------------------------------
;; Listing
;; ---------------------------------------------------------------------------------------------
;; Anyone may submit a protocol (usually its team); a risk oracle approves it.
(define-public (list-protocol (name (string-ascii 48)) (website (string-ascii 128)) (source-url (string-ascii 256))
                              (chain (string-ascii 24)) (category uint) (team (list 5 principal)))
  (let ((protocol-id (+ (var-get last-protocol-id) u1)))
    (asserts! (is-canonical-name name) ERR-INVALID-NAME)
    (asserts! (is-none (map-get? protocol-ids-by-name name)) ERR-NAME-TAKEN)
    ;; Only open-source protocols are insurable: a public https source location is required.
    (asserts! (and (> (len source-url) u8) (starts-with-https source-url)) ERR-SOURCE-NOT-PUBLIC)
    (asserts! (or (is-eq (len website) u0) (starts-with-https website)) ERR-INVALID-URI)
    (asserts! (> (len chain) u0) ERR-INVALID-NAME)
    (asserts! (and (>= category u1) (<= category (len CATEGORY-POINTS))) ERR-INVALID-CATEGORY)
    (asserts! (> (len team) u0) ERR-NO-TEAM)
    (map-set protocols protocol-id {
      name: name, website: website, source-url: source-url, chain: chain, category: category,
      team: team, submitter: contract-caller, status: STATUS-PENDING, submitted-at: stacks-block-time,
      listed-at: u0, audit-count: u0, latest-audit-id: u0, incident-count: u0 })
    (map-set protocol-ids-by-name name protocol-id)
    (fold add-team-member team protocol-id)
    (var-set last-protocol-id protocol-id)
    (print { topic: "protocol-submitted", protocol-id: protocol-id, name: name, website: website, chain: chain,
             category: category, source-url: source-url, submitter: contract-caller, team: team })
    (ok protocol-id)))

(define-private (set-status (protocol-id uint) (allowed-from (list 3 uint)) (new-status uint) (topic (string-ascii 24)))
  (let ((protocol (unwrap! (map-get? protocols protocol-id) ERR-UNKNOWN-PROTOCOL)))
    (asserts! (is-risk-oracle contract-caller) ERR-NOT-AUTHORIZED)
    (asserts! (is-some (index-of? allowed-from (get status protocol))) ERR-INVALID-STATUS)
    (map-set protocols protocol-id
      (merge protocol { status: new-status,
                        listed-at: (if (is-eq new-status STATUS-ACTIVE)
                                     (if (is-eq (get listed-at protocol) u0) stacks-block-time (get listed-at protocol))
                                     (get listed-at protocol)) }))
    (print { topic: topic, protocol-id: protocol-id, name: (get name protocol), status: new-status, by: contract-caller })
    (ok true)))

(define-private (push-team-member (who principal) (protocol-id uint))
  (begin
    (if (default-to false (map-get? team-members { protocol-id: protocol-id, who: who }))
      (unwrap-panic (contract-call? .assessor-staking set-team-flag protocol-id who true))
      true)
    protocol-id))

;; Approval confirms the team (as corrected by set-team-member while pending): from now on its addresses
;; may not vote on the protocol's claims (the staking contract keeps the flags the vote reads).
(define-public (approve-listing (protocol-id uint))
  (begin
    (try! (set-status protocol-id (list STATUS-PENDING) STATUS-ACTIVE "protocol-listed"))
    (fold push-team-member (get team (unwrap-panic (map-get? protocols protocol-id))) protocol-id)
    (ok true)))

(define-public (reject-listing (protocol-id uint))
  (set-status protocol-id (list STATUS-PENDING) STATUS-REJECTED "protocol-rejected"))

;; A risk oracle adds or removes one team address: one named without its consent, or a member the
;; listing left out. (The listing's `team` field keeps the list as submitted; is-team-member decides.)
(define-public (set-team-member (protocol-id uint) (who principal) (member bool))
  (begin
    (asserts! (is-risk-oracle contract-caller) ERR-NOT-AUTHORIZED)
    (asserts! (is-some (map-get? protocols protocol-id)) ERR-UNKNOWN-PROTOCOL)
    (if member
      (map-set team-members { protocol-id: protocol-id, who: who } true)
      (map-delete team-members { protocol-id: protocol-id, who: who }))
    ;; A confirmed team changes at once; a pending listing's team is pushed when it is approved.
    (if (is-team-confirmed protocol-id)
      (try! (contract-call? .assessor-staking set-team-flag protocol-id who member))
      true)
    (print { topic: "team-member-set", protocol-id: protocol-id, who: who, member: member, by: contract-caller })
    (ok true)))

;; Pausing stops new cover; existing policies keep their terms.
(define-public (pause-protocol (protocol-id uint))
  (set-status protocol-id (list STATUS-ACTIVE) STATUS-PAUSED "protocol-paused"))

(define-public (unpause-protocol (protocol-id uint))
  (set-status protocol-id (list STATUS-PAUSED) STATUS-ACTIVE "protocol-unpaused"))

(define-public (delist-protocol (protocol-id uint))
  (set-status protocol-id (list STATUS-ACTIVE STATUS-PAUSED STATUS-PENDING) STATUS-DELISTED "protocol-delisted"))

;; ---------------------------------------------------------------------------------------------
;; Audits and incidents
;; ---------------------------------------------------------------------------------------------
(define-public (record-audit (protocol-id uint) (report-hash (buff 32)) (report-uri (string-ascii 256))
                             (critical uint) (high uint) (medium uint) (low uint) (verdict uint))
  (let ((protocol (unwrap! (map-get? protocols protocol-id) ERR-UNKNOWN-PROTOCOL))
        (audit-id (+ (var-get last-audit-id) u1)))
    (asserts! (contract-call? .insurance-council has-role "auditor" contract-caller) ERR-NOT-AUTHORIZED)
    (asserts! (not (is-eq (get status protocol) STATUS-DELISTED)) ERR-NOT-LISTED)
    (asserts! (and (>= verdict VERDICT-PASS) (<= verdict VERDICT-FAIL)) ERR-INVALID-VERDICT)
    (asserts! (starts-with-https report-uri) ERR-INVALID-URI)
    (map-set audits audit-id {
      protocol-id: protocol-id, auditor: contract-caller, report-hash: report-hash, report-uri: report-uri,
      critical: critical, high: high, medium: medium, low: low, verdict: verdict, recorded-at: stacks-block-time })
    (map-set protocols protocol-id
      (merge protocol { audit-count: (+ (get audit-count protocol) u1), latest-audit-id: audit-id }))
    (var-set last-audit-id audit-id)
    (print { topic: "audit-recorded", protocol-id: protocol-id, audit-id: audit-id, auditor: contract-caller,
             report-hash: report-hash, report-uri: report-uri, critical: critical, high: high, medium: medium,
             low: low, verdict: verdict })
    (ok audit-id)))

;; Incidents raise the risk score. A risk oracle records incidents known off-chain; the claims
;; contract records one when a claim on the protocol is approved.
(define-public (record-incident (protocol-id uint))
  (let ((protocol (unwrap! (map-get? protocols protocol-id) ERR-UNKNOWN-PROTOCOL)))
    (asserts! (or (is-risk-oracle contract-caller)
                  (contract-call? .insurance-council has-role "claims" contract-caller)) ERR-NOT-AUTHORIZED)
    (map-set protocols protocol-id (merge protocol { incident-count: (+ (get incident-count protocol) u1) }))
    (print { topic: "incident-recorded", protocol-id: protocol-id, incident-count: (+ (get incident-count protocol) u1),
             by: contract-caller })
    (ok (+ (get incident-count protocol) u1))))

;; ---------------------------------------------------------------------------------------------
;; Risk score: 0 (safest) .. 100, from four public inputs, so anyone can recompute it.
;;   category points (8..30)
;; + findings of the latest audit: 20 per critical, 8 per high, 2 per medium (max 40)
;; + 10 if the latest verdict passed with conditions
;; + 15 per recorded incident (max 30)
;; - 1 per 36 days listed (max 10)
;; Tier: <20 -> 1, <35 -> 2, <50 -> 3, <70 -> 4, else 5. Rate: the council's rate for the tier.
;; ---------------------------------------------------------------------------------------------
(define-read-only (get-risk-breakdown (protocol-id uint))
  (let ((protocol (unwrap! (map-get? protocols protocol-id) ERR-UNKNOWN-PROTOCOL)))
    (ok (risk-of protocol (map-get? audits (get latest-audit-id protocol))))))

(define-private (risk-of (protocol { name: (string-ascii 48), website: (string-ascii 128), source-url: (string-ascii 256),
                                     chain: (string-ascii 24), category: uint, team: (list 5 principal), submitter: principal,
                                     status: uint, submitted-at: uint, listed-at: uint, audit-count: uint,
                                     latest-audit-id: uint, incident-count: uint })
                         (audit (optional { protocol-id: uint, auditor: principal, report-hash: (buff 32),
                                            report-uri: (string-ascii 256), critical: uint, high: uint, medium: uint,
                                            low: uint, verdict: uint, recorded-at: uint })))
  (let ((now stacks-block-time)
        (category-points (default-to u15 (element-at? CATEGORY-POINTS (- (get category protocol) u1))))
        (finding-points (match audit a
                          (min-uint u40 (+ (* u20 (get critical a)) (* u8 (get high a)) (* u2 (get medium a))))
                          u40))
        (verdict-points (match audit a (if (is-eq (get verdict a) VERDICT-PASS-WITH-CONDITIONS) u10 u0) u10))
        (incident-points (min-uint u30 (* u15 (get incident-count protocol))))
        (age-days (if (or (is-eq (get listed-at protocol) u0) (< now (get listed-at protocol)))
                    u0
                    (/ (- now (get listed-at protocol)) SECONDS-PER-DAY)))
        (age-credit (min-uint u10 (/ age-days u36)))
        (gross (+ category-points finding-points verdict-points incident-points))
        (score (min-uint u100 (if (> gross age-credit) (- gross age-credit) u0)))
        (tier (if (< score u20) u1 (if (< score u35) u2 (if (< score u50) u3 (if (< score u70) u4 u5))))))
    { score: score, tier: tier, rate-bps: (tier-rate tier),
      category-points: category-points, finding-points: finding-points, verdict-points: verdict-points,
      incident-points: incident-points, age-credit: age-credit }))

(define-read-only (tier-rate (tier uint))
  (contract-call? .insurance-council get-parameter
    (if (is-eq tier u1) "rate-tier-1-bps" (if (is-eq tier u2) "rate-tier-2-bps"
      (if (is-eq tier u3) "rate-tier-3-bps" (if (is-eq tier u4) "rate-tier-4-bps" "rate-tier-5-bps"))))))

;; (ok risk) when new cover may be sold on the protocol, else the reason as an error.
(define-read-only (check-insurable (protocol-id uint))
  (let ((protocol (unwrap! (map-get? protocols protocol-id) ERR-UNKNOWN-PROTOCOL))
        (status (get status protocol)))
    (asserts! (not (is-eq status STATUS-PAUSED)) ERR-PROTOCOL-PAUSED)
    (asserts! (is-eq status STATUS-ACTIVE) ERR-NOT-LISTED)
    (asserts! (> (get audit-count protocol) u0) ERR-NOT-AUDITED)
    (let ((audit (map-get? audits (get latest-audit-id protocol))))
      (asserts! (not (is-eq (default-to VERDICT-FAIL (get verdict audit)) VERDICT-FAIL)) ERR-AUDIT-FAILED)
      (ok (risk-of protocol audit)))))

;; ---------------------------------------------------------------------------------------------
;; Lookups
;; ---------------------------------------------------------------------------------------------
(define-read-only (get-protocol (protocol-id uint))
  (map-get? protocols protocol-id))

(define-read-only (get-protocol-id (name (string-ascii 48)))
  (map-get? protocol-ids-by-name name))

(define-read-only (get-protocol-by-name (name (string-ascii 48)))
  (match (map-get? protocol-ids-by-name name) protocol-id (map-get? protocols protocol-id) none))

(define-read-only (get-audit (audit-id uint))
  (map-get? audits audit-id))

(define-read-only (get-latest-audit (protocol-id uint))
  (match (map-get? protocols protocol-id) protocol (map-get? audits (get latest-audit-id protocol)) none))

;; Pending or rejected listings have no confirmed team.
(define-private (is-team-confirmed (protocol-id uint))
  (match (map-get? protocols protocol-id) protocol
    (not (or (is-eq (get status protocol) STATUS-PENDING) (is-eq (get status protocol) STATUS-REJECTED)))
    false))

;; A listing's team is barred from judging the protocol's claims. The team counts only once a risk oracle
;; has approved the listing (the oracle confirms the addresses), so a submitter cannot bar honest
;; assessors by naming them; the oracle corrects a team with set-team-member.
(define-read-only (is-team-member (protocol-id uint) (who principal))
  (and (is-team-confirmed protocol-id) (default-to false (map-get? team-members { protocol-id: protocol-id, who: who }))))

(define-read-only (get-last-protocol-id) (var-get last-protocol-id))
(define-read-only (get-last-audit-id) (var-get last-audit-id))
