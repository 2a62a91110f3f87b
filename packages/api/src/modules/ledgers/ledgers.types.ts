import { Field, ID, Int, ObjectType, Float } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { LocalDate } from '../../graphql/scalars.js';
import { Assistance, Circumstance, Gender, HelpUnitType } from '../elders/elder.enums.js';
import { CareKind, DiseaseStatus, HouseholdChange, Safety, Satisfaction, Trend, VisitMethod } from '../visits/visits.types.js';

/**
 * Print forms are their own types, not `Elder` / `Visit`: a printed official record is a separate decision about which
 * personal data leaves the system (and on paper), and the ledger service audits it itself (one row per elder, with
 * the form and, when identity is shown, the purpose).
 */
@ObjectType('LedgerPlace', { description: '家庭住址: county, town and village names of the elder’s village.' })
export class LedgerPlaceType {
  @Field(() => String) county!: string;
  @Field(() => String) town!: string;
  @Field(() => String) village!: string;
  @Field(() => String, { description: '12-digit village code.' }) villageCode!: string;
}

@ObjectType('LedgerPerson', { description: 'An emergency contact on a printed form (phone masked unless identity is revealed).' })
export class LedgerContactType {
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) relation!: string | null;
  @Field(() => String, { nullable: true }) phone!: string | null;
}

@ObjectType('LedgerHouseholdMember', { description: '家庭基本情况: one row of the household table.' })
export class LedgerHouseholdMemberType {
  @Field(() => String) name!: string;
  @Field(() => Gender, { nullable: true }) gender!: Gender | null;
  @Field(() => String, { nullable: true, description: 'Masked unless identity is revealed.' }) idNumber!: string | null;
  @Field(() => String) relation!: string;
  @Field(() => String, { nullable: true }) health!: string | null;
  @Field(() => Assistance) assistance!: Assistance;
}

@ObjectType('LedgerHelp', { description: '已享受帮扶情况: one helping unit and its measures.' })
export class LedgerHelpType {
  @Field(() => HelpUnitType) unitType!: HelpUnitType;
  @Field(() => String, { nullable: true }) unitName!: string | null;
  @Field(() => String) measures!: string;
}

@ObjectType('RegistrationForm', {
  description: '特殊困难老年人基本信息登记表 (一人一档, 一式两份): one elder’s archive as printed, in the order of the official form.',
})
export class RegistrationFormType {
  @Field(() => ID) elderId!: string;
  @Field(() => String) name!: string;
  @Field(() => Gender) gender!: Gender;
  @Field(() => LocalDate) birthDate!: string;
  @Field(() => String, { description: '公民身份号码: masked unless `identityRevealed`.' }) idNumber!: string;
  @Field(() => Boolean, { description: 'True when printed with the full ID and phone numbers (reveal scope and a purpose, audited).' })
  identityRevealed!: boolean;
  @Field(() => String, { nullable: true }) phone!: string | null;
  @Field(() => LedgerPlaceType) place!: LedgerPlaceType;
  @Field(() => String, { nullable: true }) addressDetail!: string | null;
  @Field(() => Boolean, { nullable: true, description: '是否居住在户籍所在地' }) livesAtRegisteredResidence!: boolean | null;
  @Field(() => [Circumstance]) circumstances!: Circumstance[];
  @Field(() => Boolean, { description: '是否残疾' }) disabled!: boolean;
  @Field(() => String, { nullable: true, description: '残疾人证号 (masked like the ID number unless revealed).' }) disabilityCertificateNumber!: string | null;
  @Field(() => Boolean, { description: '是否独居、空巢' }) livingAloneOrEmptyNest!: boolean;
  @Field(() => Boolean, { description: '是否留守' }) leftBehind!: boolean;
  @Field(() => Boolean, { description: '是否失能' }) incapacitated!: boolean;
  @Field(() => Boolean, { description: '是否计划生育特殊家庭老年人' }) familyPlanningSpecial!: boolean;
  @Field(() => [LedgerContactType], { description: '紧急联系人, children first.' }) emergencyContacts!: LedgerContactType[];
  @Field(() => [LedgerHouseholdMemberType]) householdMembers!: LedgerHouseholdMemberType[];
  @Field(() => Boolean, { nullable: true }) waterSafe!: boolean | null;
  @Field(() => Boolean, { nullable: true }) electricitySafe!: boolean | null;
  @Field(() => Boolean, { nullable: true }) housingSafe!: boolean | null;
  @Field(() => Float, { nullable: true, description: '家庭每月收入（元）' }) householdMonthlyIncome!: number | null;
  @Field(() => Float, { nullable: true, description: '家庭每月领取养老保险、社会救助和社会福利补贴（元）' }) monthlyBenefits!: number | null;
  @Field(() => String, { nullable: true }) benefitsNote!: string | null;
  @Field(() => [LedgerHelpType]) helpReceived!: LedgerHelpType[];
  @Field(() => Boolean, { description: '是否愿意接受探访关爱服务' }) acceptsVisits!: boolean;
}

@ObjectType('LedgerCareService', { description: '关爱服务情况: one service delivered at or after the visit.' })
export class LedgerCareServiceType {
  @Field(() => CareKind) kind!: CareKind;
  @Field(() => String, { nullable: true }) content!: string | null;
  @Field(() => LocalDate) deliveredOn!: string;
}

@ObjectType('VisitRecordForm', { description: '特殊困难老年人探访关爱服务记录表: one visit as printed, with the elder’s heading (identity masked).' })
export class VisitRecordFormType {
  @Field(() => ID) visitId!: string;
  @Field(() => ID) elderId!: string;
  @Field(() => String) elderName!: string;
  @Field(() => String, { nullable: true, description: 'Masked.' }) elderPhone!: string | null;
  @Field(() => LedgerPlaceType) place!: LedgerPlaceType;
  @Field(() => String, { nullable: true }) addressDetail!: string | null;
  @Field(() => Int, { description: '第几次探访' }) seq!: number;
  @Field(() => GraphQLDateTimeISO) visitedAt!: Date;
  @Field(() => LocalDate, { description: 'The day in China time.' }) visitedOn!: string;
  @Field(() => VisitMethod) method!: VisitMethod;
  @Field(() => String, { nullable: true, description: '探访人员 by name.' }) visitorName!: string | null;
  @Field(() => String, { nullable: true, description: '信息录入人 by display name.' }) enteredByName!: string | null;
  @Field(() => HouseholdChange, { nullable: true }) householdChange!: HouseholdChange | null;
  @Field(() => Int, { nullable: true }) householdChangeCount!: number | null;
  @Field(() => Trend, { nullable: true }) expression!: Trend | null;
  @Field(() => Trend, { nullable: true }) mobility!: Trend | null;
  @Field(() => DiseaseStatus, { nullable: true }) disease!: DiseaseStatus | null;
  @Field(() => String, { nullable: true }) diseaseName!: string | null;
  @Field(() => Trend, { nullable: true }) mood!: Trend | null;
  @Field(() => Safety, { nullable: true }) gasSafety!: Safety | null;
  @Field(() => Safety, { nullable: true }) waterHeatingSafety!: Safety | null;
  @Field(() => Safety, { nullable: true }) electricitySafety!: Safety | null;
  @Field(() => Trend, { nullable: true }) personalHygiene!: Trend | null;
  @Field(() => Trend, { nullable: true }) homeHygiene!: Trend | null;
  @Field(() => Trend, { nullable: true }) indoorEnvironment!: Trend | null;
  @Field(() => String, { nullable: true }) serviceNeeds!: string | null;
  @Field(() => String, { nullable: true }) careSuggestions!: string | null;
  @Field(() => Boolean) visitorSigned!: boolean;
  @Field(() => Boolean) elderSigned!: boolean;
  @Field(() => Satisfaction, { nullable: true }) satisfaction!: Satisfaction | null;
  @Field(() => [LedgerCareServiceType]) careServices!: LedgerCareServiceType[];
}
