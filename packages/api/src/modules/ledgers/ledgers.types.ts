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
  @Field(() => String, { description: '县（区） name.' }) county!: string;
  @Field(() => String, { description: '乡镇（街道） name.' }) town!: string;
  @Field(() => String, { description: '村（社区） name.' }) village!: string;
  @Field(() => String, { description: '12-digit village code.' }) villageCode!: string;
}

@ObjectType('LedgerPerson', { description: 'An emergency contact on a printed form (phone masked unless identity is revealed).' })
export class LedgerContactType {
  @Field(() => String, { description: 'The contact’s name.' }) name!: string;
  @Field(() => String, { nullable: true, description: 'Relation to the elder (子女, 亲属, 村委会工作人员, ...).' }) relation!: string | null;
  @Field(() => String, { nullable: true, description: 'Masked unless identity is revealed.' }) phone!: string | null;
}

@ObjectType('LedgerHouseholdMember', { description: '家庭基本情况: one row of the household table.' })
export class LedgerHouseholdMemberType {
  @Field(() => String, { description: '姓名' }) name!: string;
  @Field(() => Gender, { nullable: true, description: '性别' }) gender!: Gender | null;
  @Field(() => String, { nullable: true, description: 'Masked unless identity is revealed.' }) idNumber!: string | null;
  @Field(() => String, { description: '与户主关系: relation to the householder.' }) relation!: string;
  @Field(() => String, { nullable: true, description: '健康状况, in words.' }) health!: string | null;
  @Field(() => Assistance, { description: 'Whether on 低保 or 特困.' }) assistance!: Assistance;
}

@ObjectType('LedgerHelp', { description: '已享受帮扶情况: one helping unit and its measures.' })
export class LedgerHelpType {
  @Field(() => HelpUnitType, { description: '帮扶单位类型' }) unitType!: HelpUnitType;
  @Field(() => String, { nullable: true, description: 'The helping unit’s name.' }) unitName!: string | null;
  @Field(() => String, { description: '帮扶措施, in words.' }) measures!: string;
}

@ObjectType('RegistrationForm', {
  description: '特殊困难老年人基本信息登记表 (一人一档, 一式两份): one elder’s archive as printed, in the order of the official form.',
})
export class RegistrationFormType {
  @Field(() => ID, { description: 'The elder.' }) elderId!: string;
  @Field(() => String, { description: '姓名' }) name!: string;
  @Field(() => Gender, { description: '性别' }) gender!: Gender;
  @Field(() => LocalDate, { description: '出生日期 (from the ID number).' }) birthDate!: string;
  @Field(() => String, { description: '公民身份号码: masked unless `identityRevealed`.' }) idNumber!: string;
  @Field(() => Boolean, { description: 'True when printed with the full ID and phone numbers (reveal scope and a purpose, audited).' })
  identityRevealed!: boolean;
  @Field(() => String, { nullable: true, description: '联系电话: masked unless `identityRevealed`.' }) phone!: string | null;
  @Field(() => LedgerPlaceType, { description: '家庭住址: county, town and village.' }) place!: LedgerPlaceType;
  @Field(() => String, { nullable: true, description: 'The street address within the village.' }) addressDetail!: string | null;
  @Field(() => Boolean, { nullable: true, description: '是否居住在户籍所在地' }) livesAtRegisteredResidence!: boolean | null;
  @Field(() => [Circumstance], { description: 'Every circumstance (特殊困难情形) that holds.' }) circumstances!: Circumstance[];
  @Field(() => Boolean, { description: '是否残疾' }) disabled!: boolean;
  @Field(() => String, { nullable: true, description: '残疾人证号 (masked like the ID number unless revealed).' }) disabilityCertificateNumber!: string | null;
  @Field(() => Boolean, { description: '是否独居、空巢' }) livingAloneOrEmptyNest!: boolean;
  @Field(() => Boolean, { description: '是否留守' }) leftBehind!: boolean;
  @Field(() => Boolean, { description: '是否失能' }) incapacitated!: boolean;
  @Field(() => Boolean, { description: '是否计划生育特殊家庭老年人' }) familyPlanningSpecial!: boolean;
  @Field(() => [LedgerContactType], { description: '紧急联系人, children first.' }) emergencyContacts!: LedgerContactType[];
  @Field(() => [LedgerHouseholdMemberType], { description: '家庭成员 rows.' }) householdMembers!: LedgerHouseholdMemberType[];
  @Field(() => Boolean, { nullable: true, description: '饮水安全; null when not recorded.' }) waterSafe!: boolean | null;
  @Field(() => Boolean, { nullable: true, description: '用电安全; null when not recorded.' }) electricitySafe!: boolean | null;
  @Field(() => Boolean, { nullable: true, description: '住房安全; null when not recorded.' }) housingSafe!: boolean | null;
  @Field(() => Float, { nullable: true, description: '家庭每月收入（元）' }) householdMonthlyIncome!: number | null;
  @Field(() => Float, { nullable: true, description: '家庭每月领取养老保险、社会救助和社会福利补贴（元）' }) monthlyBenefits!: number | null;
  @Field(() => String, { nullable: true, description: 'Which pensions, assistance or subsidies make up monthlyBenefits, in words.' }) benefitsNote!: string | null;
  @Field(() => [LedgerHelpType], { description: '已享受帮扶情况 rows.' }) helpReceived!: LedgerHelpType[];
  @Field(() => Boolean, { description: '是否愿意接受探访关爱服务' }) acceptsVisits!: boolean;
}

@ObjectType('LedgerCareService', { description: '关爱服务情况: one service delivered at or after the visit.' })
export class LedgerCareServiceType {
  @Field(() => CareKind, { description: 'Kind of service.' }) kind!: CareKind;
  @Field(() => String, { nullable: true, description: 'What was done.' }) content!: string | null;
  @Field(() => LocalDate, { description: 'The day delivered (China time).' }) deliveredOn!: string;
}

@ObjectType('VisitRecordForm', { description: '特殊困难老年人探访关爱服务记录表: one visit as printed, with the elder’s heading (identity masked).' })
export class VisitRecordFormType {
  @Field(() => ID, { description: 'The visit.' }) visitId!: string;
  @Field(() => ID, { description: 'The elder visited.' }) elderId!: string;
  @Field(() => String, { description: '姓名 of the elder.' }) elderName!: string;
  @Field(() => String, { nullable: true, description: 'Masked.' }) elderPhone!: string | null;
  @Field(() => LedgerPlaceType, { description: '家庭住址: the elder’s county, town and village.' }) place!: LedgerPlaceType;
  @Field(() => String, { nullable: true, description: 'The street address within the village.' }) addressDetail!: string | null;
  @Field(() => Int, { description: '第几次探访' }) seq!: number;
  @Field(() => GraphQLDateTimeISO, { description: 'When the visit took place.' }) visitedAt!: Date;
  @Field(() => LocalDate, { description: 'The day in China time.' }) visitedOn!: string;
  @Field(() => VisitMethod, { description: '探访方式' }) method!: VisitMethod;
  @Field(() => String, { nullable: true, description: '探访人员 by name.' }) visitorName!: string | null;
  @Field(() => String, { nullable: true, description: '信息录入人 by display name.' }) enteredByName!: string | null;
  @Field(() => HouseholdChange, { nullable: true, description: '家庭人口: whether the household grew or shrank.' }) householdChange!: HouseholdChange | null;
  @Field(() => Int, { nullable: true, description: 'By how many people.' }) householdChangeCount!: number | null;
  @Field(() => Trend, { nullable: true, description: '表达能力' }) expression!: Trend | null;
  @Field(() => Trend, { nullable: true, description: '行动能力' }) mobility!: Trend | null;
  @Field(() => DiseaseStatus, { nullable: true, description: '疾病状况' }) disease!: DiseaseStatus | null;
  @Field(() => String, { nullable: true, description: '疾病名称' }) diseaseName!: string | null;
  @Field(() => Trend, { nullable: true, description: '情绪状态' }) mood!: Trend | null;
  @Field(() => Safety, { nullable: true, description: '燃气安全' }) gasSafety!: Safety | null;
  @Field(() => Safety, { nullable: true, description: '水暖安全' }) waterHeatingSafety!: Safety | null;
  @Field(() => Safety, { nullable: true, description: '用电安全' }) electricitySafety!: Safety | null;
  @Field(() => Trend, { nullable: true, description: '个人卫生' }) personalHygiene!: Trend | null;
  @Field(() => Trend, { nullable: true, description: '家庭卫生' }) homeHygiene!: Trend | null;
  @Field(() => Trend, { nullable: true, description: '室内环境' }) indoorEnvironment!: Trend | null;
  @Field(() => String, { nullable: true, description: '老年人服务需求' }) serviceNeeds!: string | null;
  @Field(() => String, { nullable: true, description: '实施关爱服务建议' }) careSuggestions!: string | null;
  @Field(() => Boolean, { description: '探访人员签字' }) visitorSigned!: boolean;
  @Field(() => Boolean, { description: '被探访人签字' }) elderSigned!: boolean;
  @Field(() => Satisfaction, { nullable: true, description: '老年人服务满意度评价' }) satisfaction!: Satisfaction | null;
  @Field(() => [LedgerCareServiceType], { description: '关爱服务情况: services delivered on the visit.' }) careServices!: LedgerCareServiceType[];
}
