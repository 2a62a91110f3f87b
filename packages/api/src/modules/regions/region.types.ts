import { Field, Int, ObjectType } from 'type-graphql';

export const LEVEL_NAMES = ['', '省', '市', '县（区）', '乡镇（街道）', '村（社区）'];

@ObjectType('Region', { description: 'A division of the national statistical code tree (统计用区划代码).' })
export class RegionType {
  @Field(() => String, { description: 'Statistical division code: 2, 4, 6, 9 or 12 digits; a subtree is every code that starts with it.' })
  code!: string;

  @Field(() => String, { description: 'The region’s own name, e.g. 东河社区居委会.' })
  name!: string;

  @Field(() => Int, { description: '1 province, 2 city, 3 county/district, 4 town/street, 5 village/community.' })
  level!: number;

  @Field(() => String, { description: 'Names from the province down, e.g. 广东省江门市开平市三埠街道东河社区居委会.' })
  fullName!: string;

  @Field(() => String, { nullable: true, description: 'The code of the region one level up; null for a province.' })
  parentCode?: string | null;
}
