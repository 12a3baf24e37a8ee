// pdfmake's browser build ships no declarations; pdf.ts types the part it uses.
declare module "pdfmake/build/pdfmake.js" {
  const pdfMake: unknown;
  export default pdfMake;
}
