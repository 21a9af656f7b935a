;; claims-assessment
;; A hacked protocol's policy holder files a claim with cryptographic evidence and a bond; staked
;; assessors vote with stake x reputation; anyone finalizes after the window; the council signs off large
;; or undecided claims and may veto any approved claim during the veto window; then anyone executes the
;; payout. Assessors pull their reward and reputation change by settling their vote. This contract
;; holds no STX: bonds, rewards and payouts move in the capital pool's ledgers.
;; The seed's `submit-claim` and `get-claim` are also on cybersecurity-insurance-defi, which files here
;; (submit-claim-for) for its caller.

;; ---------------------------------------------------------------------------------------------
;; Errors (band u6000)
;; ---------------------------------------------------------------------------------------------
(define-constant ERR-CLAIMS-PAUSED (err u6000))
(define-constant ERR-UNKNOWN-POLICY (err u6001))
(define-constant ERR-NOT-POLICY-HOLDER (err u6002))
(define-constant ERR-CLAIM-ALREADY-OPEN (err u6003))
(define-constant ERR-INVALID-AMOUNT (err u6004))
(define-constant ERR-AMOUNT-EXCEEDS-COVER (err u6005))
(define-constant ERR-INCIDENT-BEFORE-COVER (err u6006))
(define-constant ERR-INCIDENT-AFTER-COVER (err u6007))
(define-constant ERR-INCIDENT-IN-FUTURE (err u6008))
(define-constant ERR-FILING-PERIOD-OVER (err u6009))
(define-constant ERR-INVALID-EVIDENCE (err u6010))
(define-constant ERR-UNKNOWN-CLAIM (err u6011))
(define-constant ERR-VOTING-CLOSED (err u6012))
(define-constant ERR-VOTING-OPEN (err u6013))
(define-constant ERR-CONFLICT-OF-INTEREST (err u6014))
(define-constant ERR-ALREADY-VOTED (err u6015))
(define-constant ERR-NO-ELIGIBLE-STAKE (err u6016))
(define-constant ERR-NOT-VOTING (err u6017))
(define-constant ERR-NOT-COUNCIL-MEMBER (err u6018))
(define-constant ERR-NOT-AWAITING-COUNCIL (err u6019))
(define-constant ERR-ALREADY-SIGNED (err u6020))
(define-constant ERR-NOT-APPROVED (err u6021))
(define-constant ERR-VETO-WINDOW-OVER (err u6022))
(define-constant ERR-VETO-WINDOW-OPEN (err u6023))
(define-constant ERR-ALREADY-PAID (err u6024))
(define-constant ERR-POOL-SHORTFALL (err u6025))
(define-constant ERR-NO-SHORTFALL (err u6026))
(define-constant ERR-NOT-CLAIMANT (err u6027))
(define-constant ERR-NO-VOTE (err u6028))
(define-constant ERR-ALREADY-SETTLED (err u6029))
(define-constant ERR-CLAIM-NOT-CLOSED (err u6030))
(define-constant ERR-NOT-COVER-CONTRACT (err u6031))

;; ---------------------------------------------------------------------------------------------
;; Constants
;; ---------------------------------------------------------------------------------------------
(define-constant STATUS-VOTING u1)
(define-constant STATUS-NO-QUORUM u2)        ;; the vote did not reach quorum: the council decides
(define-constant STATUS-AWAITING-COUNCIL u3) ;; approved by vote, large: the council must sign off
(define-constant STATUS-APPROVED u4)         ;; owed; in the veto window, then payable
(define-constant STATUS-DENIED u5)
(define-constant STATUS-VETOED u6)
(define-constant STATUS-PAID u7)

(define-constant STAGE-DECIDE u1)
(define-constant STAGE-VETO u2)

(define-constant BPS u10000)

;; ---------------------------------------------------------------------------------------------
;; State
;; ---------------------------------------------------------------------------------------------
(define-data-var last-claim-id uint u0)

(define-map claims uint {
  policy-id: uint,
  protocol-id: uint,
  claimant: principal,
  amount: uint,
  deductible: uint,
  payable: uint,
  incident-time: uint,
  description: (string-utf8 280),
  evidence-hash: (buff 32),
  evidence-uri: (string-ascii 256),
  bond: uint,
  submitted-at: uint,
  voting-ends-at: uint,
  ;; rules as they stood when the claim opened: later governance does not move an open claim
  total-stake: uint,
  quorum-stake: uint,
  approval-bps: uint,
  large: bool,
  min-voters: uint,   ;; distinct voters a quorum needs (0 for a small claim)
  ;; running tally
  approve-weight: uint,
  deny-weight: uint,
  voted-stake: uint,
  approve-count: uint,
  deny-count: uint,
  ;; outcome
  status: uint,
  decided-by: (string-ascii 8),
  veto-ends-at: uint,
  reward-pot: uint,
  winning-weight: uint,
  paid: uint,
  veto-reason: (optional (buff 32))
})

(define-map votes { claim-id: uint, voter: principal } { approve: bool, stake: uint, weight: uint, settled: bool })
(define-map open-claims uint uint) ;; policy-id -> its open claim
;; Amounts approved by vote per protocol and per holder within the large-claim window: several claims
;; just under the threshold add up, and past it the council must sign (a team cannot split its way past).
(define-map protocol-vote-approvals uint { since: uint, amount: uint })
(define-map holder-vote-approvals principal { since: uint, amount: uint })
(define-map council-tallies uint { epoch: uint, approvals: uint, denials: uint, vetoes: uint })
(define-map council-signatures { claim-id: uint, member: principal, epoch: uint, stage: uint } bool)

;; ---------------------------------------------------------------------------------------------
;; Helpers
;; ---------------------------------------------------------------------------------------------
(define-private (param (name (string-ascii 32)))
  (contract-call? .insurance-council get-parameter name))

(define-private (div-ceil (a uint) (b uint))
  (if (is-eq a u0) u0 (+ (/ (- a u1) b) u1)))

(define-read-only (is-closed (status uint))
  (or (is-eq status STATUS-DENIED) (is-eq status STATUS-VETOED) (is-eq status STATUS-PAID)))

;; Quorum: enough stake voted, and on a claim that is not small, enough distinct voters, so one assessor
;; alone (one wallet of a team, say) can never carry a claim.
(define-private (quorum-met (voted-stake uint) (quorum-stake uint) (voters uint) (min-voters uint))
  (and (> voted-stake u0) (>= voted-stake quorum-stake) (>= voters min-voters)))

(define-private (window-sum (entry (optional { since: uint, amount: uint })))
  (match entry e (if (< stacks-block-time (+ (get since e) (param "large-claim-window"))) (get amount e) u0) u0))

(define-private (window-add (entry (optional { since: uint, amount: uint })) (amount uint))
  (match entry e
    (if (< stacks-block-time (+ (get since e) (param "large-claim-window")))
      { since: (get since e), amount: (+ (get amount e) amount) }
      { since: stacks-block-time, amount: amount })
    { since: stacks-block-time, amount: amount }))

;; The fields every outcome event carries, so a reader can render the result without another read.
(define-private (outcome (claim-id uint) (claim (tuple (policy-id uint) (protocol-id uint) (claimant principal) (amount uint)
    (deductible uint) (payable uint) (incident-time uint) (description (string-utf8 280)) (evidence-hash (buff 32))
    (evidence-uri (string-ascii 256)) (bond uint) (submitted-at uint) (voting-ends-at uint) (total-stake uint)
    (quorum-stake uint) (approval-bps uint) (large bool) (min-voters uint) (approve-weight uint) (deny-weight uint) (voted-stake uint)
    (approve-count uint) (deny-count uint) (status uint) (decided-by (string-ascii 8)) (veto-ends-at uint)
    (reward-pot uint) (winning-weight uint) (paid uint) (veto-reason (optional (buff 32))))))
  { claim-id: claim-id, policy-id: (get policy-id claim), protocol-id: (get protocol-id claim),
    claimant: (get claimant claim), amount: (get amount claim), payable: (get payable claim), status: (get status claim),
    decided-by: (get decided-by claim), approve-weight: (get approve-weight claim), deny-weight: (get deny-weight claim),
    voted-stake: (get voted-stake claim), quorum-stake: (get quorum-stake claim), total-stake: (get total-stake claim),
    voter-count: (+ (get approve-count claim) (get deny-count claim)), min-voters: (get min-voters claim),
    quorum-reached: (quorum-met (get voted-stake claim) (get quorum-stake claim)
                                                  (+ (get approve-count claim) (get deny-count claim)) (get min-voters claim)),
    reward-pot: (get reward-pot claim), veto-ends-at: (get veto-ends-at claim) })

(define-private (council-tally (claim-id uint) (epoch uint))
  (let ((tally (default-to { epoch: epoch, approvals: u0, denials: u0, vetoes: u0 } (map-get? council-tallies claim-id))))
    ;; Signatures gathered under an earlier council membership do not count.
    (if (is-eq (get epoch tally) epoch) tally { epoch: epoch, approvals: u0, denials: u0, vetoes: u0 })))

;; ---------------------------------------------------------------------------------------------
;; Filing
;; ---------------------------------------------------------------------------------------------
(define-public (submit-claim (policy-id uint) (amount uint) (incident-time uint) (description (string-utf8 280))
                             (evidence-hash (buff 32)) (evidence-uri (string-ascii 256)))
  (file-claim contract-caller policy-id amount incident-time description evidence-hash evidence-uri))

;; The cover contract's `submit-claim` (the seed's entry point) files here for whoever called it there;
;; only a contract holding the council's "cover" role may, and the claim is accepted only if that caller
;; holds the policy.
(define-public (submit-claim-for (holder principal) (policy-id uint) (amount uint) (incident-time uint)
                                 (description (string-utf8 280)) (evidence-hash (buff 32)) (evidence-uri (string-ascii 256)))
  (begin
    (asserts! (contract-call? .insurance-council has-role "cover" contract-caller) ERR-NOT-COVER-CONTRACT)
    (file-claim holder policy-id amount incident-time description evidence-hash evidence-uri)))

(define-private (file-claim (holder principal) (policy-id uint) (amount uint) (incident-time uint)
                            (description (string-utf8 280)) (evidence-hash (buff 32)) (evidence-uri (string-ascii 256)))
  (let ((not-paused (asserts! (not (contract-call? .insurance-council is-claims-paused)) ERR-CLAIMS-PAUSED))
        (policy (unwrap! (contract-call? .policy-ledger get-policy policy-id) ERR-UNKNOWN-POLICY))
        (claim-id (+ (var-get last-claim-id) u1))
        (deductible (/ (* amount (param "deductible-bps")) BPS))
        (payable (- amount deductible))
        (bond-share (/ (* amount (param "claim-bond-bps")) BPS))
        (bond (if (> bond-share (param "min-claim-bond")) bond-share (param "min-claim-bond")))
        (total-stake (contract-call? .assessor-staking get-total-active-stake))
        (quorum-stake (div-ceil (* total-stake (param "quorum-bps")) BPS))
        (voting-ends-at (+ stacks-block-time (param "voting-window"))))
    (asserts! (is-eq holder (get holder policy)) ERR-NOT-POLICY-HOLDER)
    (asserts! (is-none (map-get? open-claims policy-id)) ERR-CLAIM-ALREADY-OPEN)
    (asserts! (> amount u0) ERR-INVALID-AMOUNT)
    (asserts! (<= amount (get remaining-cover policy)) ERR-AMOUNT-EXCEEDS-COVER)
    ;; No cover for a hack already under way when the policy was bought.
    (asserts! (>= incident-time (get active-from policy)) ERR-INCIDENT-BEFORE-COVER)
    (asserts! (< incident-time (get ends-at policy)) ERR-INCIDENT-AFTER-COVER)
    (asserts! (<= incident-time stacks-block-time) ERR-INCIDENT-IN-FUTURE)
    ;; The grace period after the term, extended by the time claims spent paused since the purchase.
    (asserts! (< stacks-block-time (unwrap-panic (contract-call? .policy-ledger get-filing-deadline policy-id)))
              ERR-FILING-PERIOD-OVER)
    (asserts! (and (> (len description) u0) (> (len evidence-uri) u0)) ERR-INVALID-EVIDENCE)
    (try! (contract-call? .capital-pool take-bond bond))
    (try! (contract-call? .capital-pool open-exposure payable))
    (map-set claims claim-id {
      policy-id: policy-id, protocol-id: (get protocol-id policy), claimant: holder, amount: amount,
      deductible: deductible, payable: payable, incident-time: incident-time, description: description,
      evidence-hash: evidence-hash, evidence-uri: evidence-uri, bond: bond, submitted-at: stacks-block-time,
      voting-ends-at: voting-ends-at, total-stake: total-stake, quorum-stake: quorum-stake,
      approval-bps: (param "approval-bps"), large: (>= amount (param "large-claim-threshold")),
      min-voters: (if (>= amount (param "min-voters-above")) (param "min-voters") u0),
      approve-weight: u0, deny-weight: u0, voted-stake: u0, approve-count: u0, deny-count: u0,
      status: STATUS-VOTING, decided-by: "", veto-ends-at: u0, reward-pot: u0, winning-weight: u0, paid: u0,
      veto-reason: none })
    (map-set open-claims policy-id claim-id)
    (var-set last-claim-id claim-id)
    (print { topic: "claim-submitted", claim-id: claim-id, policy-id: policy-id, protocol-id: (get protocol-id policy),
             claimant: holder, amount: amount, deductible: deductible, payable: payable,
             incident-time: incident-time, description: description, evidence-hash: evidence-hash,
             evidence-uri: evidence-uri, bond: bond, voting-ends-at: voting-ends-at, total-stake: total-stake,
             quorum-stake: quorum-stake, approval-bps: (param "approval-bps"),
             large: (>= amount (param "large-claim-threshold")),
             min-voters: (if (>= amount (param "min-voters-above")) (param "min-voters") u0) })
    (ok claim-id)))

;; ---------------------------------------------------------------------------------------------
;; Voting: running sums, so the ten-thousandth vote costs what the first did
;; ---------------------------------------------------------------------------------------------
(define-public (vote (claim-id uint) (approve bool))
  (let ((claim (unwrap! (map-get? claims claim-id) ERR-UNKNOWN-CLAIM))
        (voter contract-caller))
    (asserts! (and (is-eq (get status claim) STATUS-VOTING) (< stacks-block-time (get voting-ends-at claim))) ERR-VOTING-CLOSED)
    ;; The claimant (who is the policy holder) and the protocol's team may not judge their own claim.
    (asserts! (not (is-eq voter (get claimant claim))) ERR-CONFLICT-OF-INTEREST)
    ;; One call reads the stake held before the claim opened, the reputation and the team flag, and locks
    ;; the stake; any refusal below undoes the lock with the rest of the call.
    (let ((ballot (try! (contract-call? .assessor-staking lock-for-vote voter (get protocol-id claim) (get submitted-at claim))))
          (stake (get stake ballot))
          (weight (get weight ballot)))
      (asserts! (not (get team-member ballot)) ERR-CONFLICT-OF-INTEREST)
      (asserts! (map-insert votes { claim-id: claim-id, voter: voter } { approve: approve, stake: stake, weight: weight, settled: false })
                ERR-ALREADY-VOTED)
      (asserts! (> weight u0) ERR-NO-ELIGIBLE-STAKE)
      (let ((updated (merge claim {
              approve-weight: (if approve (+ (get approve-weight claim) weight) (get approve-weight claim)),
              deny-weight: (if approve (get deny-weight claim) (+ (get deny-weight claim) weight)),
              voted-stake: (+ (get voted-stake claim) stake),
              approve-count: (if approve (+ (get approve-count claim) u1) (get approve-count claim)),
              deny-count: (if approve (get deny-count claim) (+ (get deny-count claim) u1)) })))
        (map-set claims claim-id updated)
        (print { topic: "vote-cast", claim-id: claim-id, voter: voter, approve: approve, stake: stake, weight: weight,
                 approve-weight: (get approve-weight updated), deny-weight: (get deny-weight updated),
                 voted-stake: (get voted-stake updated), quorum-stake: (get quorum-stake updated),
                 voter-count: (+ (get approve-count updated) (get deny-count updated)),
                 voting-ends-at: (get voting-ends-at updated) })
        (ok weight)))))

;; ---------------------------------------------------------------------------------------------
;; Outcomes
;; ---------------------------------------------------------------------------------------------
;; Approved: the payable amount becomes owed (it leaves the share price now) and the veto window starts.
;; The incident enters the protocol's risk score only when the claim is paid, so a vetoed claim leaves none.
(define-private (approve-claim (claim-id uint) (claim (tuple (policy-id uint) (protocol-id uint) (claimant principal)
    (amount uint) (deductible uint) (payable uint) (incident-time uint) (description (string-utf8 280))
    (evidence-hash (buff 32)) (evidence-uri (string-ascii 256)) (bond uint) (submitted-at uint) (voting-ends-at uint)
    (total-stake uint) (quorum-stake uint) (approval-bps uint) (large bool) (min-voters uint) (approve-weight uint) (deny-weight uint)
    (voted-stake uint) (approve-count uint) (deny-count uint) (status uint) (decided-by (string-ascii 8))
    (veto-ends-at uint) (reward-pot uint) (winning-weight uint) (paid uint) (veto-reason (optional (buff 32)))))
    (decided-by (string-ascii 8)))
  (let ((approved (merge claim { status: STATUS-APPROVED, decided-by: decided-by,
                                 veto-ends-at: (+ stacks-block-time (param "veto-window")) })))
    (try! (contract-call? .capital-pool approve-exposure (get payable claim)))
    (map-set claims claim-id approved)
    (print (merge (outcome claim-id approved) { topic: "claim-approved" }))
    (ok STATUS-APPROVED)))

;; The part of a forfeited bond that goes to the pool; the rest rewards the assessors who were right.
(define-private (bond-to-pool (bond uint))
  (/ (* bond (param "bond-to-pool-bps")) BPS))

;; Closes a claim for good: a forfeited bond is split between the reward pot and the pool; a pot with
;; nobody on the winning side goes back to the reserve; the policy may be claimed on again.
(define-private (close-claim (claim-id uint) (claim (tuple (policy-id uint) (protocol-id uint) (claimant principal)
    (amount uint) (deductible uint) (payable uint) (incident-time uint) (description (string-utf8 280))
    (evidence-hash (buff 32)) (evidence-uri (string-ascii 256)) (bond uint) (submitted-at uint) (voting-ends-at uint)
    (total-stake uint) (quorum-stake uint) (approval-bps uint) (large bool) (min-voters uint) (approve-weight uint) (deny-weight uint)
    (voted-stake uint) (approve-count uint) (deny-count uint) (status uint) (decided-by (string-ascii 8))
    (veto-ends-at uint) (reward-pot uint) (winning-weight uint) (paid uint) (veto-reason (optional (buff 32)))))
    (status uint) (forfeit-bond bool))
  (let ((winning-weight (if (is-eq status STATUS-PAID) (get approve-weight claim) (get deny-weight claim)))
        (to-pool (if forfeit-bond (bond-to-pool (get bond claim)) u0))
        (to-pot (if forfeit-bond (- (get bond claim) to-pool) u0))
        (gross-pot (+ (get reward-pot claim) to-pot))
        (pot (if (is-eq winning-weight u0) u0 gross-pot)))
    (if forfeit-bond (try! (contract-call? .capital-pool forfeit-bond to-pot to-pool)) true)
    (if (and (is-eq winning-weight u0) (> gross-pot u0)) (try! (contract-call? .capital-pool refund-reward gross-pot)) true)
    (map-delete open-claims (get policy-id claim))
    (ok (merge claim { status: status, reward-pot: pot, winning-weight: winning-weight }))))

(define-private (deny-claim (claim-id uint) (claim (tuple (policy-id uint) (protocol-id uint) (claimant principal)
    (amount uint) (deductible uint) (payable uint) (incident-time uint) (description (string-utf8 280))
    (evidence-hash (buff 32)) (evidence-uri (string-ascii 256)) (bond uint) (submitted-at uint) (voting-ends-at uint)
    (total-stake uint) (quorum-stake uint) (approval-bps uint) (large bool) (min-voters uint) (approve-weight uint) (deny-weight uint)
    (voted-stake uint) (approve-count uint) (deny-count uint) (status uint) (decided-by (string-ascii 8))
    (veto-ends-at uint) (reward-pot uint) (winning-weight uint) (paid uint) (veto-reason (optional (buff 32)))))
    (decided-by (string-ascii 8)))
  (let ((closed (try! (close-claim claim-id (merge claim { decided-by: decided-by }) STATUS-DENIED true))))
    (try! (contract-call? .capital-pool close-exposure (get payable claim)))
    (map-set claims claim-id closed)
    (print (merge (outcome claim-id closed) { topic: "claim-denied", bond-forfeited: (get bond claim),
                                              bond-to-pool: (bond-to-pool (get bond claim)) }))
    (ok STATUS-DENIED)))

;; Anyone may finalize once the voting window has closed.
(define-public (finalize-claim (claim-id uint))
  (let ((claim (unwrap! (map-get? claims claim-id) ERR-UNKNOWN-CLAIM))
        (yes (get approve-weight claim))
        (no (get deny-weight claim))
        (approved (> (* yes BPS) (* (get approval-bps claim) (+ yes no)))))
    (asserts! (is-eq (get status claim) STATUS-VOTING) ERR-NOT-VOTING)
    (asserts! (>= stacks-block-time (get voting-ends-at claim)) ERR-VOTING-OPEN)
    (if (quorum-met (get voted-stake claim) (get quorum-stake claim) (+ (get approve-count claim) (get deny-count claim))
                    (get min-voters claim))
      (if approved
        ;; An approved claim's assessors share a reward from the reserve (smaller than any bond). A denied
        ;; claim's share only its forfeited bond, so self-denied claims cannot drain the reserve.
        (let ((reward (try! (contract-call? .capital-pool allocate-reward
                               (/ (* (get amount claim) (param "assessment-reward-bps")) BPS))))
              (rewarded (merge claim { reward-pot: reward }))
              (by-protocol (map-get? protocol-vote-approvals (get protocol-id claim)))
              (by-holder (map-get? holder-vote-approvals (get claimant claim)))
              (threshold (param "large-claim-threshold"))
              ;; Large by itself, or with what this protocol or holder had approved by vote in the window.
              (large (or (get large claim)
                         (>= (+ (window-sum by-protocol) (get amount claim)) threshold)
                         (>= (+ (window-sum by-holder) (get amount claim)) threshold))))
          (if large
            (let ((escalated (merge rewarded { status: STATUS-AWAITING-COUNCIL, large: true })))
              (map-set claims claim-id escalated)
              (print (merge (outcome claim-id escalated) { topic: "claim-escalated" }))
              (ok STATUS-AWAITING-COUNCIL))
            (begin
              (map-set protocol-vote-approvals (get protocol-id claim) (window-add by-protocol (get amount claim)))
              (map-set holder-vote-approvals (get claimant claim) (window-add by-holder (get amount claim)))
              (approve-claim claim-id rewarded "vote"))))
        (deny-claim claim-id claim "vote"))
      (let ((escalated (merge claim { status: STATUS-NO-QUORUM })))
        (map-set claims claim-id escalated)
        (print (merge (outcome claim-id escalated) { topic: "claim-escalated" }))
        (ok STATUS-NO-QUORUM)))))

;; ---------------------------------------------------------------------------------------------
;; Council: M-of-N sign-off for large or undecided claims, and the fraud veto
;; ---------------------------------------------------------------------------------------------
(define-private (council-decide (claim-id uint) (approve bool))
  (let ((claim (unwrap! (map-get? claims claim-id) ERR-UNKNOWN-CLAIM))
        (member contract-caller)
        (epoch (contract-call? .insurance-council get-membership-epoch))
        (threshold (contract-call? .insurance-council get-threshold))
        (tally (council-tally claim-id epoch))
        (signed (merge tally { approvals: (if approve (+ (get approvals tally) u1) (get approvals tally)),
                               denials: (if approve (get denials tally) (+ (get denials tally) u1)) })))
    (asserts! (contract-call? .insurance-council is-member member) ERR-NOT-COUNCIL-MEMBER)
    (asserts! (or (is-eq (get status claim) STATUS-NO-QUORUM) (is-eq (get status claim) STATUS-AWAITING-COUNCIL))
              ERR-NOT-AWAITING-COUNCIL)
    (asserts! (map-insert council-signatures { claim-id: claim-id, member: member, epoch: epoch, stage: STAGE-DECIDE } true)
              ERR-ALREADY-SIGNED)
    (map-set council-tallies claim-id signed)
    (print { topic: "council-claim-signed", claim-id: claim-id, member: member, approve: approve,
             approvals: (get approvals signed), denials: (get denials signed), threshold: threshold })
    (if (>= (get approvals signed) threshold)
      (approve-claim claim-id claim "council")
      (if (>= (get denials signed) threshold)
        (deny-claim claim-id claim "council")
        (ok (get status claim))))))

(define-public (council-approve-claim (claim-id uint))
  (council-decide claim-id true))

(define-public (council-deny-claim (claim-id uint))
  (council-decide claim-id false))

;; During the veto window the council can stop an approved claim (fraud, a team hacking itself); the
;; reason's hash is kept on-chain. The bond is forfeited to the assessors who denied.
(define-public (council-veto (claim-id uint) (reason-hash (buff 32)))
  (let ((claim (unwrap! (map-get? claims claim-id) ERR-UNKNOWN-CLAIM))
        (member contract-caller)
        (epoch (contract-call? .insurance-council get-membership-epoch))
        (threshold (contract-call? .insurance-council get-threshold))
        (tally (council-tally claim-id epoch))
        (signed (merge tally { vetoes: (+ (get vetoes tally) u1) })))
    (asserts! (contract-call? .insurance-council is-member member) ERR-NOT-COUNCIL-MEMBER)
    (asserts! (is-eq (get status claim) STATUS-APPROVED) ERR-NOT-APPROVED)
    (asserts! (< stacks-block-time (get veto-ends-at claim)) ERR-VETO-WINDOW-OVER)
    (asserts! (map-insert council-signatures { claim-id: claim-id, member: member, epoch: epoch, stage: STAGE-VETO } true)
              ERR-ALREADY-SIGNED)
    (map-set council-tallies claim-id signed)
    (print { topic: "council-veto-signed", claim-id: claim-id, member: member, reason-hash: reason-hash,
             vetoes: (get vetoes signed), threshold: threshold })
    (if (>= (get vetoes signed) threshold)
      (let ((closed (try! (close-claim claim-id (merge claim { veto-reason: (some reason-hash) }) STATUS-VETOED true))))
        (try! (contract-call? .capital-pool release-owed (get payable claim)))
        (map-set claims claim-id closed)
        (print (merge (outcome claim-id closed) { topic: "claim-vetoed", reason-hash: reason-hash, bond-forfeited: (get bond claim),
                                                  bond-to-pool: (bond-to-pool (get bond claim)) }))
        (ok STATUS-VETOED))
      (ok STATUS-APPROVED))))

;; ---------------------------------------------------------------------------------------------
;; Payout
;; ---------------------------------------------------------------------------------------------
(define-private (pay-out (claim-id uint) (claim (tuple (policy-id uint) (protocol-id uint) (claimant principal)
    (amount uint) (deductible uint) (payable uint) (incident-time uint) (description (string-utf8 280))
    (evidence-hash (buff 32)) (evidence-uri (string-ascii 256)) (bond uint) (submitted-at uint) (voting-ends-at uint)
    (total-stake uint) (quorum-stake uint) (approval-bps uint) (large bool) (min-voters uint) (approve-weight uint) (deny-weight uint)
    (voted-stake uint) (approve-count uint) (deny-count uint) (status uint) (decided-by (string-ascii 8))
    (veto-ends-at uint) (reward-pot uint) (winning-weight uint) (paid uint) (veto-reason (optional (buff 32)))))
    (paid uint))
  (let ((closed (try! (close-claim claim-id (merge claim { paid: paid }) STATUS-PAID false))))
    (try! (contract-call? .capital-pool pay-claim (get payable claim) paid (get claimant claim)))
    (try! (contract-call? .capital-pool return-bond (get bond claim) (get claimant claim)))
    (let ((recorded (try! (contract-call? .policy-ledger record-payout (get policy-id claim) (get amount claim) paid))))
      ;; Cover still running comes off the pool's active cover (an expired policy's already has).
      (if (get was-active recorded) (try! (contract-call? .capital-pool remove-cover (get amount claim))) u0))
    (try! (contract-call? .protocol-registry record-incident (get protocol-id claim)))
    (map-set claims claim-id closed)
    (print (merge (outcome claim-id closed) { topic: "claim-paid", paid: paid, deductible: (get deductible claim),
                                              shortfall: (- (get payable claim) paid), bond-returned: (get bond claim),
                                              executed-by: contract-caller }))
    (ok paid)))

(define-private (check-payable (claim-id uint))
  (let ((claim (unwrap! (map-get? claims claim-id) ERR-UNKNOWN-CLAIM)))
    (asserts! (not (is-eq (get status claim) STATUS-PAID)) ERR-ALREADY-PAID)
    (asserts! (is-eq (get status claim) STATUS-APPROVED) ERR-NOT-APPROVED)
    (asserts! (>= stacks-block-time (get veto-ends-at claim)) ERR-VETO-WINDOW-OPEN)
    (ok claim)))

;; Anyone may execute the payout once the veto window has passed: the claim less the deductible goes
;; to the claimant, with the bond. It pays in full only while the pool can pay every approved claim in
;; full; otherwise no claim may take what another is owed (see accept-partial-payout).
(define-public (execute-payout (claim-id uint))
  (let ((claim (try! (check-payable claim-id))))
    (asserts! (>= (contract-call? .capital-pool get-total-assets) (contract-call? .capital-pool get-claims-owed))
              ERR-POOL-SHORTFALL)
    (pay-out claim-id claim (get payable claim))))

;; If the pool holds less than all approved claims are owed, a claim closes with its pro-rata share:
;; payable x assets / owed (rounded down), so the order in which claims are paid changes nobody's share.
;; The claimant may accept at once; after `shortfall-close-delay` anyone may close it, so a claim in
;; shortfall cannot keep its voters' stake locked for ever. The shortfall is recorded on-chain.
(define-public (accept-partial-payout (claim-id uint))
  (let ((claim (try! (check-payable claim-id)))
        (available (contract-call? .capital-pool get-total-assets))
        (owed (contract-call? .capital-pool get-claims-owed)))
    (asserts! (or (is-eq contract-caller (get claimant claim))
                  (>= stacks-block-time (+ (get veto-ends-at claim) (param "shortfall-close-delay"))))
              ERR-NOT-CLAIMANT)
    (asserts! (< available owed) ERR-NO-SHORTFALL)
    (pay-out claim-id claim (/ (* (get payable claim) available) owed))))

;; ---------------------------------------------------------------------------------------------
;; Settling votes (pulled, never pushed in a loop)
;; ---------------------------------------------------------------------------------------------
;; The reward always goes to the voter. Reputation moves in proportion to the claim's size against the
;; stake that voted (at most 1x), so denying one's own dust claims earns nothing; approving a claim the
;; council vetoed as fraud also costs `veto-slash-bps` of the stake that voted.
(define-private (settle (claim-id uint) (voter principal))
  (let ((claim (unwrap! (map-get? claims claim-id) ERR-UNKNOWN-CLAIM))
        (ballot (unwrap! (map-get? votes { claim-id: claim-id, voter: voter }) ERR-NO-VOTE))
        (status (get status claim))
        (won (if (is-eq status STATUS-PAID) (get approve ballot) (not (get approve ballot))))
        (reward (if (and won (> (get winning-weight claim) u0))
                  (/ (* (get reward-pot claim) (get weight ballot)) (get winning-weight claim))
                  u0))
        (scale-bps (if (>= (get amount claim) (get stake ballot)) BPS (/ (* (get amount claim) BPS) (get stake ballot))))
        (slash (if (and (is-eq status STATUS-VETOED) (get approve ballot))
                 (/ (* (get stake ballot) (param "veto-slash-bps")) BPS)
                 u0)))
    (asserts! (not (get settled ballot)) ERR-ALREADY-SETTLED)
    (asserts! (is-closed status) ERR-CLAIM-NOT-CLOSED)
    (try! (contract-call? .capital-pool pay-reward reward voter))
    (map-set votes { claim-id: claim-id, voter: voter } (merge ballot { settled: true }))
    (let ((settled (try! (contract-call? .assessor-staking settle-vote voter won scale-bps slash))))
      (print { topic: "vote-settled", claim-id: claim-id, voter: voter, with-outcome: won, reward: reward,
               reputation: (get reputation settled), slashed: (get slashed settled), settled-by: contract-caller })
      (ok reward))))

(define-public (settle-vote (claim-id uint))
  (settle claim-id contract-caller))

;; Anyone may settle another assessor's ballot on a closed claim (the keeper does): a voter on the losing
;; side cannot dodge the reputation loss or the slash by never settling.
(define-public (settle-vote-for (claim-id uint) (voter principal))
  (settle claim-id voter))

;; ---------------------------------------------------------------------------------------------
;; Read-only
;; ---------------------------------------------------------------------------------------------
(define-read-only (get-claim (claim-id uint))
  (match (map-get? claims claim-id) claim
    (some (merge claim { council: (council-tally claim-id (contract-call? .insurance-council get-membership-epoch)),
                         voter-count: (+ (get approve-count claim) (get deny-count claim)),
                         quorum-reached: (quorum-met (get voted-stake claim) (get quorum-stake claim)
                                                (+ (get approve-count claim) (get deny-count claim)) (get min-voters claim)) }))
    none))

(define-read-only (get-vote (claim-id uint) (voter principal))
  (map-get? votes { claim-id: claim-id, voter: voter }))

(define-read-only (get-open-claim (policy-id uint))
  (map-get? open-claims policy-id))

(define-read-only (get-last-claim-id) (var-get last-claim-id))

;; Whether a council member has signed a claim's decision and its veto under the current membership (for the
;; council page: signing twice is refused with ERR-ALREADY-SIGNED).
(define-read-only (get-council-signature (claim-id uint) (member principal))
  (let ((epoch (contract-call? .insurance-council get-membership-epoch)))
    { decided: (is-some (map-get? council-signatures { claim-id: claim-id, member: member, epoch: epoch, stage: STAGE-DECIDE })),
      vetoed: (is-some (map-get? council-signatures { claim-id: claim-id, member: member, epoch: epoch, stage: STAGE-VETO })) }))

;; What a vote by `voter` would weigh now, and why it could not be cast (for the vote page).
(define-read-only (get-vote-eligibility (claim-id uint) (voter principal))
  (match (map-get? claims claim-id) claim
    (let ((stake (contract-call? .assessor-staking get-eligible-stake voter (get submitted-at claim))))
      (ok { stake: stake,
            weight: (/ (* stake (contract-call? .assessor-staking get-reputation voter)) BPS),
            voted: (is-some (map-get? votes { claim-id: claim-id, voter: voter })),
            conflict: (or (is-eq voter (get claimant claim))
                          (contract-call? .assessor-staking is-team-member (get protocol-id claim) voter)),
            open: (and (is-eq (get status claim) STATUS-VOTING) (< stacks-block-time (get voting-ends-at claim))) }))
    ERR-UNKNOWN-CLAIM))
