// Decorators read design-time metadata: the polyfill must load before any decorated class.
import 'reflect-metadata';
import { AuditEvent } from '../modules/audit/audit-event.entity.js';
import { Session } from '../modules/auth/session.entity.js';
import { User } from '../modules/auth/user.entity.js';
import { ElderContact, HelpRecord, HouseholdMember, Refusal } from '../modules/elders/elder-parts.entity.js';
import { Elder } from '../modules/elders/elder.entity.js';
import { Region } from '../modules/regions/region.entity.js';

export const entities = [Region, User, Session, Elder, ElderContact, HouseholdMember, HelpRecord, Refusal, AuditEvent];
