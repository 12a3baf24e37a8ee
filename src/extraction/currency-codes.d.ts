/** currency-codes ships its ISO 4217 list as plain CommonJS without types. */
declare module "currency-codes/data.js" {
  const data: { code: string; number: string; digits: number; currency: string; countries: string[] }[];
  export default data;
}
