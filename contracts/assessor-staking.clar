;; assessor-staking
;; Custody of assessors' stakes. Stake is what gives a vote its weight; reputation (0.5x .. 2x) scales it.
;; Every change of an assessor's active stake writes a checkpoint, so the claims contract can ask how much
;; stake an assessor held before a claim opened (Clarity 4 has no at-block: the history is recorded here).
;;
;; Accounting invariant: STX held by this contract = total-active + total-unstaking.

;; ---------------------------------------------------------------------------------------------
;; Errors (band u5000)
;; ---------------------------------------------------------------------------------------------
(define-constant ERR-NOT-AUTHORIZED (err u5000))
(define-constant ERR-BELOW-MIN-STAKE (err u5001))
(define-constant ERR-INSUFFICIENT-STAKE (err u5002))
(define-constant ERR-STAKE-LOCKED (err u5003))
(define-constant ERR-NOTHING-TO-WITHDRAW (err u5004))
(define-constant ERR-COOLDOWN-ACTIVE (err u5005))
(define-constant ERR-INSUFFICIENT-BALANCE (err u5006))
(define-constant ERR-ZERO-AMOUNT (err u5007))

;; ---------------------------------------------------------------------------------------------
;; Constants
;; ---------------------------------------------------------------------------------------------
(define-constant BPS u10000)
(define-constant REPUTATION-START u10000) ;; 1x
(define-constant REPUTATION-MIN u5000)    ;; 0.5x
(define-constant REPUTATION-MAX u20000)   ;; 2x
;; 32 halvings find any checkpoint among 2^32: the lookup costs the same however long the history.
(define-constant SEARCH-STEPS (list u1 u2 u3 u4 u5 u6 u7 u8 u9 u10 u11 u12 u13 u14 u15 u16
                                    u17 u18 u19 u20 u21 u22 u23 u24 u25 u26 u27 u28 u29 u30 u31 u32))

;; ---------------------------------------------------------------------------------------------
;; State
;; ---------------------------------------------------------------------------------------------
(define-data-var total-active uint u0)
(define-data-var total-unstaking uint u0)

(define-map assessors principal {
  active: uint,        ;; stake that votes
  unstaking: uint,     ;; requested out, waiting for the cooldown; does not vote
  unstake-at: uint,
  locked: uint,        ;; active stake that may not leave while the assessor has open votes
  open-votes: uint,    ;; votes on claims not yet settled
  reputation: uint,    ;; basis points, 10000 = 1x
  changed-at: uint     ;; block time of the last change of active stake (its latest checkpoint)
})

(define-map checkpoint-count principal uint)
;; Protocols' team addresses, pushed by the registry once a risk oracle has confirmed them: a team may not
;; judge its own protocol's claims. Kept here so a vote checks it without another contract call.
(define-map team-flags { protocol-id: uint, who: principal } bool)
;; The council's "claims" role, mirrored so the vote path checks it without a call (see sync-claims-role).
(define-map claims-callers principal bool)
(map-set claims-callers .claims-assessment (contract-call? .insurance-council has-role "claims" .claims-assessment))
(define-map checkpoints { who: principal, index: uint } { at: uint, amount: uint })

;; ---------------------------------------------------------------------------------------------
;; Helpers
;; ---------------------------------------------------------------------------------------------
(define-private (param (name (string-ascii 32)))
  (contract-call? .insurance-council get-parameter name))

(define-private (is-claims-contract)
  (default-to false (map-get? claims-callers contract-caller)))

(define-private (assessor-or-default (who principal))
  (default-to { active: u0, unstaking: u0, unstake-at: u0, locked: u0, open-votes: u0, reputation: REPUTATION-START,
                changed-at: u0 }
              (map-get? assessors who)))

;; Records the assessor's active stake as of now (one checkpoint per block time).
(define-private (write-checkpoint (who principal) (amount uint))
  (let ((n (default-to u0 (map-get? checkpoint-count who))))
    (if (and (> n u0) (is-eq (default-to u0 (get at (map-get? checkpoints { who: who, index: (- n u1) }))) stacks-block-time))
      (map-set checkpoints { who: who, index: (- n u1) } { at: stacks-block-time, amount: amount })
      (begin
        (map-set checkpoints { who: who, index: n } { at: stacks-block-time, amount: amount })
        (map-set checkpoint-count who (+ n u1))))))

(define-private (search-step (step uint) (acc { who: principal, time: uint, lo: uint, hi: uint, found: uint }))
  (if (>= (get lo acc) (get hi acc))
    acc
    (let ((mid (/ (+ (get lo acc) (get hi acc)) u2))
          (at (default-to u0 (get at (map-get? checkpoints { who: (get who acc), index: mid })))))
      (if (< at (get time acc))
        (merge acc { lo: (+ mid u1), found: (+ mid u1) })
        (merge acc { hi: mid })))))

;; ---------------------------------------------------------------------------------------------
;; Read-only
;; ---------------------------------------------------------------------------------------------
;; Active stake the assessor held strictly before `time` (stake added at or after it does not count).
(define-read-only (get-stake-before (who principal) (time uint))
  (let ((n (default-to u0 (map-get? checkpoint-count who))))
    (if (is-eq n u0)
      u0
      (let ((last (unwrap-panic (map-get? checkpoints { who: who, index: (- n u1) }))))
        (if (< (get at last) time)
          (get amount last)
          ;; found = number of checkpoints strictly before `time`
          (let ((found (get found (fold search-step SEARCH-STEPS { who: who, time: time, lo: u0, hi: (- n u1), found: u0 }))))
            (if (is-eq found u0)
              u0
              (default-to u0 (get amount (map-get? checkpoints { who: who, index: (- found u1) }))))))))))

;; Stake that counts on a claim opened at `opened-at`: what the assessor held before it opened, and
;; still holds now. An assessor whose stake has not changed since before the claim opened (the usual
;; case) needs no look-up in the history at all.
(define-private (eligible-stake (a { active: uint, unstaking: uint, unstake-at: uint, locked: uint, open-votes: uint,
                                     reputation: uint, changed-at: uint })
                                (who principal) (opened-at uint))
  (if (< (get changed-at a) opened-at)
    (get active a)
    (let ((before (get-stake-before who opened-at)))
      (if (< before (get active a)) before (get active a)))))

(define-read-only (get-eligible-stake (who principal) (opened-at uint))
  (eligible-stake (assessor-or-default who) who opened-at))

(define-read-only (get-voting-weight (who principal) (opened-at uint))
  (let ((a (assessor-or-default who)))
    (/ (* (eligible-stake a who opened-at) (get reputation a)) BPS)))

(define-read-only (is-team-member (protocol-id uint) (who principal))
  (default-to false (map-get? team-flags { protocol-id: protocol-id, who: who })))

(define-read-only (is-claims-caller (who principal))
  (default-to false (map-get? claims-callers who)))

(define-read-only (get-assessor (who principal))
  (let ((a (assessor-or-default who)))
    (merge a { available: (- (get active a) (get locked a)),
               weight: (/ (* (get active a) (get reputation a)) BPS) })))

(define-read-only (get-reputation (who principal))
  (get reputation (assessor-or-default who)))

(define-read-only (get-total-active-stake) (var-get total-active))
(define-read-only (get-total-unstaking) (var-get total-unstaking))
(define-read-only (get-checkpoint-count (who principal)) (default-to u0 (map-get? checkpoint-count who)))

;; ---------------------------------------------------------------------------------------------
;; Assessors
;; ---------------------------------------------------------------------------------------------
(define-public (stake (amount uint))
  (let ((a (assessor-or-default contract-caller))
        (active (+ (get active a) amount)))
    (asserts! (> amount u0) ERR-ZERO-AMOUNT)
    (asserts! (>= active (param "min-stake")) ERR-BELOW-MIN-STAKE)
    (unwrap! (stx-transfer? amount contract-caller current-contract) ERR-INSUFFICIENT-BALANCE)
    (map-set assessors contract-caller (merge a { active: active, changed-at: stacks-block-time }))
    (write-checkpoint contract-caller active)
    (var-set total-active (+ (var-get total-active) amount))
    (print { topic: "stake-added", assessor: contract-caller, amount: amount, active: active,
             total-active: (var-get total-active) })
    (ok active)))

;; Moves stake out of voting into the cooldown. Stake locked by open votes cannot be requested.
;; A new request adds to the amount already unstaking and restarts the cooldown.
(define-public (request-unstake (amount uint))
  (let ((a (assessor-or-default contract-caller))
        (active (get active a))
        (unstake-at (+ stacks-block-time (param "unstake-cooldown"))))
    (asserts! (> amount u0) ERR-ZERO-AMOUNT)
    (asserts! (<= amount active) ERR-INSUFFICIENT-STAKE)
    (asserts! (<= amount (- active (get locked a))) ERR-STAKE-LOCKED)
    (map-set assessors contract-caller
      (merge a { active: (- active amount), unstaking: (+ (get unstaking a) amount), unstake-at: unstake-at,
                 changed-at: stacks-block-time }))
    (write-checkpoint contract-caller (- active amount))
    (var-set total-active (- (var-get total-active) amount))
    (var-set total-unstaking (+ (var-get total-unstaking) amount))
    (print { topic: "unstake-requested", assessor: contract-caller, amount: amount, active: (- active amount),
             unstaking: (+ (get unstaking a) amount), unstake-at: unstake-at, total-active: (var-get total-active) })
    (ok unstake-at)))

(define-public (withdraw-stake)
  (let ((a (assessor-or-default contract-caller))
        (amount (get unstaking a))
        (recipient contract-caller))
    (asserts! (> amount u0) ERR-NOTHING-TO-WITHDRAW)
    (asserts! (>= stacks-block-time (get unstake-at a)) ERR-COOLDOWN-ACTIVE)
    (try! (as-contract? ((with-stx amount)) (try! (stx-transfer? amount tx-sender recipient))))
    (map-set assessors recipient (merge a { unstaking: u0, unstake-at: u0 }))
    (var-set total-unstaking (- (var-get total-unstaking) amount))
    (print { topic: "stake-withdrawn", assessor: recipient, amount: amount, active: (get active a) })
    (ok amount)))

;; ---------------------------------------------------------------------------------------------
;; Claims contract only
;; ---------------------------------------------------------------------------------------------
;; A vote locks the stake it used until the assessor settles it. The lock is the largest stake used on
;; any open vote (released when the last open vote settles): no loop over claims is ever needed.
;; Returns what the vote weighs and whether the voter is on the protocol's team; the claims contract
;; refuses the vote (and so undoes the lock) when it must not count.
(define-public (lock-for-vote (who principal) (protocol-id uint) (opened-at uint))
  (let ((a (assessor-or-default who))
        (eligible (eligible-stake a who opened-at)))
    (asserts! (is-claims-contract) ERR-NOT-AUTHORIZED)
    (map-set assessors who (merge a { open-votes: (+ (get open-votes a) u1),
                                      locked: (if (> eligible (get locked a)) eligible (get locked a)) }))
    (ok { stake: eligible, weight: (/ (* eligible (get reputation a)) BPS),
          team-member: (is-team-member protocol-id who) })))

;; ---------------------------------------------------------------------------------------------
;; Mirrors of other contracts' decisions (kept here so the vote path reads them locally)
;; ---------------------------------------------------------------------------------------------
;; The registry pushes a team address once a risk oracle has confirmed it (or removed it).
(define-public (set-team-flag (protocol-id uint) (who principal) (member bool))
  (begin
    (asserts! (is-eq contract-caller .protocol-registry) ERR-NOT-AUTHORIZED)
    (if member
      (map-set team-flags { protocol-id: protocol-id, who: who } true)
      (map-delete team-flags { protocol-id: protocol-id, who: who }))
    (ok true)))

;; Anyone may copy the council's current "claims" role for `who` into this contract (a grant or a
;; revocation takes effect here when someone syncs it; both pass the council's timelock first, so the
;; keeper syncs them as they execute).
(define-public (sync-claims-role (who principal))
  (let ((granted (contract-call? .insurance-council has-role "claims" who)))
    (map-set claims-callers who granted)
    (print { topic: "claims-role-synced", who: who, granted: granted, by: contract-caller })
    (ok granted)))

;; Settles one vote: unlocks when it was the last open vote, and moves reputation up for a vote with the
;; outcome or down for a vote against it, within 0.5x .. 2x, scaled by `scale-bps` (the claim's size
;; against the stake that voted, at most 1x: a dust claim moves no reputation). `slash` micro-STX of
;; active stake (at most all of it) go to the capital pool. Returns the new reputation and the slash.
(define-public (settle-vote (who principal) (with-outcome bool) (scale-bps uint) (slash uint))
  (let ((a (assessor-or-default who))
        (open (if (> (get open-votes a) u0) (- (get open-votes a) u1) u0))
        (rep (get reputation a))
        (gain (/ (* (param "reputation-gain-bps") scale-bps) BPS))
        (loss (/ (* (param "reputation-loss-bps") scale-bps) BPS))
        (new-rep (if with-outcome
                   (if (> (+ rep gain) REPUTATION-MAX) REPUTATION-MAX (+ rep gain))
                   (if (< rep (+ REPUTATION-MIN loss)) REPUTATION-MIN (- rep loss))))
        (slashed (if (< slash (get active a)) slash (get active a)))
        (active (- (get active a) slashed))
        (locked (if (is-eq open u0) u0 (if (< (get locked a) active) (get locked a) active))))
    (asserts! (is-claims-contract) ERR-NOT-AUTHORIZED)
    (if (> slashed u0)
      (begin
        (try! (as-contract? ((with-stx slashed)) (try! (contract-call? .capital-pool collect-slashed slashed))))
        (write-checkpoint who active)
        (var-set total-active (- (var-get total-active) slashed)))
      true)
    (map-set assessors who (merge a { active: active, open-votes: open, locked: locked, reputation: new-rep,
                                      changed-at: (if (> slashed u0) stacks-block-time (get changed-at a)) }))
    (ok { reputation: new-rep, slashed: slashed })))
