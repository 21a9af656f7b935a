import type { BotCommand } from "../context";
import { command as assessor } from "./assessor";
import { command as buy } from "./buy";
import { command as capital } from "./capital";
import { command as claim } from "./claim";
import { command as claimFile } from "./claim-file";
import { command as claims } from "./claims";
import { command as help } from "./help";
import { command as link } from "./link";
import { command as notify } from "./notify";
import { command as policies } from "./policies";
import { command as policy } from "./policy";
import { command as pool } from "./pool";
import { command as protocol } from "./protocol";
import { command as quote } from "./quote";
import { command as settle } from "./settle";
import { command as setup } from "./setup";
import { command as stake } from "./stake";
import { command as status } from "./status";
import { command as subscribe } from "./subscribe";
import { command as unlink } from "./unlink";
import { command as unstake } from "./unstake";
import { command as unsubscribe } from "./unsubscribe";

/** Every slash command the bot registers and answers, one file each in this folder. */
export const commands: BotCommand[] = [
  policy,
  policies,
  claim,
  claims,
  protocol,
  quote,
  buy,
  claimFile,
  capital,
  pool,
  assessor,
  stake,
  unstake,
  settle,
  link,
  unlink,
  notify,
  setup,
  subscribe,
  unsubscribe,
  status,
  help,
];
