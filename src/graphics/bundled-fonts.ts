/**
 * The bundled font families (Google Fonts, from the @expo-google-fonts packages, which ship TTF files):
 * regular, bold and italic of each (Outfit has no italic). Imported lazily by the renderer only.
 */
import interRegular from "@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf";
import interBold from "@expo-google-fonts/inter/700Bold/Inter_700Bold.ttf";
import interItalic from "@expo-google-fonts/inter/400Regular_Italic/Inter_400Regular_Italic.ttf";
import robotoRegular from "@expo-google-fonts/roboto/400Regular/Roboto_400Regular.ttf";
import robotoBold from "@expo-google-fonts/roboto/700Bold/Roboto_700Bold.ttf";
import robotoItalic from "@expo-google-fonts/roboto/400Regular_Italic/Roboto_400Regular_Italic.ttf";
import openSansRegular from "@expo-google-fonts/open-sans/400Regular/OpenSans_400Regular.ttf";
import openSansBold from "@expo-google-fonts/open-sans/700Bold/OpenSans_700Bold.ttf";
import openSansItalic from "@expo-google-fonts/open-sans/400Regular_Italic/OpenSans_400Regular_Italic.ttf";
import montserratRegular from "@expo-google-fonts/montserrat/400Regular/Montserrat_400Regular.ttf";
import montserratBold from "@expo-google-fonts/montserrat/700Bold/Montserrat_700Bold.ttf";
import montserratItalic from "@expo-google-fonts/montserrat/400Regular_Italic/Montserrat_400Regular_Italic.ttf";
import latoRegular from "@expo-google-fonts/lato/400Regular/Lato_400Regular.ttf";
import latoBold from "@expo-google-fonts/lato/700Bold/Lato_700Bold.ttf";
import latoItalic from "@expo-google-fonts/lato/400Regular_Italic/Lato_400Regular_Italic.ttf";
import poppinsRegular from "@expo-google-fonts/poppins/400Regular/Poppins_400Regular.ttf";
import poppinsBold from "@expo-google-fonts/poppins/700Bold/Poppins_700Bold.ttf";
import poppinsItalic from "@expo-google-fonts/poppins/400Regular_Italic/Poppins_400Regular_Italic.ttf";
import plusJakartaSansRegular from "@expo-google-fonts/plus-jakarta-sans/400Regular/PlusJakartaSans_400Regular.ttf";
import plusJakartaSansBold from "@expo-google-fonts/plus-jakarta-sans/700Bold/PlusJakartaSans_700Bold.ttf";
import plusJakartaSansItalic from "@expo-google-fonts/plus-jakarta-sans/400Regular_Italic/PlusJakartaSans_400Regular_Italic.ttf";
import outfitRegular from "@expo-google-fonts/outfit/400Regular/Outfit_400Regular.ttf";
import outfitBold from "@expo-google-fonts/outfit/700Bold/Outfit_700Bold.ttf";
import playfairDisplayRegular from "@expo-google-fonts/playfair-display/400Regular/PlayfairDisplay_400Regular.ttf";
import playfairDisplayBold from "@expo-google-fonts/playfair-display/700Bold/PlayfairDisplay_700Bold.ttf";
import playfairDisplayItalic from "@expo-google-fonts/playfair-display/400Regular_Italic/PlayfairDisplay_400Regular_Italic.ttf";
import loraRegular from "@expo-google-fonts/lora/400Regular/Lora_400Regular.ttf";
import loraBold from "@expo-google-fonts/lora/700Bold/Lora_700Bold.ttf";
import loraItalic from "@expo-google-fonts/lora/400Regular_Italic/Lora_400Regular_Italic.ttf";
import notoSansRegular from "@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf";
import notoSansBold from "@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf";
import notoSansItalic from "@expo-google-fonts/noto-sans/400Regular_Italic/NotoSans_400Regular_Italic.ttf";
import merriweatherRegular from "@expo-google-fonts/merriweather/400Regular/Merriweather_400Regular.ttf";
import merriweatherBold from "@expo-google-fonts/merriweather/700Bold/Merriweather_700Bold.ttf";
import merriweatherItalic from "@expo-google-fonts/merriweather/400Regular_Italic/Merriweather_400Regular_Italic.ttf";

export interface FontFile {
  weight: number;
  style: "normal" | "italic";
  data: ArrayBuffer;
}

export const BUNDLED_FAMILIES: readonly { family: string; files: readonly FontFile[] }[] = [
  { family: "Inter", files: [{ weight: 400, style: "normal", data: interRegular }, { weight: 700, style: "normal", data: interBold }, { weight: 400, style: "italic", data: interItalic }] },
  { family: "Roboto", files: [{ weight: 400, style: "normal", data: robotoRegular }, { weight: 700, style: "normal", data: robotoBold }, { weight: 400, style: "italic", data: robotoItalic }] },
  { family: "Open Sans", files: [{ weight: 400, style: "normal", data: openSansRegular }, { weight: 700, style: "normal", data: openSansBold }, { weight: 400, style: "italic", data: openSansItalic }] },
  { family: "Montserrat", files: [{ weight: 400, style: "normal", data: montserratRegular }, { weight: 700, style: "normal", data: montserratBold }, { weight: 400, style: "italic", data: montserratItalic }] },
  { family: "Lato", files: [{ weight: 400, style: "normal", data: latoRegular }, { weight: 700, style: "normal", data: latoBold }, { weight: 400, style: "italic", data: latoItalic }] },
  { family: "Poppins", files: [{ weight: 400, style: "normal", data: poppinsRegular }, { weight: 700, style: "normal", data: poppinsBold }, { weight: 400, style: "italic", data: poppinsItalic }] },
  { family: "Plus Jakarta Sans", files: [{ weight: 400, style: "normal", data: plusJakartaSansRegular }, { weight: 700, style: "normal", data: plusJakartaSansBold }, { weight: 400, style: "italic", data: plusJakartaSansItalic }] },
  { family: "Outfit", files: [{ weight: 400, style: "normal", data: outfitRegular }, { weight: 700, style: "normal", data: outfitBold }] },
  { family: "Playfair Display", files: [{ weight: 400, style: "normal", data: playfairDisplayRegular }, { weight: 700, style: "normal", data: playfairDisplayBold }, { weight: 400, style: "italic", data: playfairDisplayItalic }] },
  { family: "Lora", files: [{ weight: 400, style: "normal", data: loraRegular }, { weight: 700, style: "normal", data: loraBold }, { weight: 400, style: "italic", data: loraItalic }] },
  { family: "Noto Sans", files: [{ weight: 400, style: "normal", data: notoSansRegular }, { weight: 700, style: "normal", data: notoSansBold }, { weight: 400, style: "italic", data: notoSansItalic }] },
  { family: "Merriweather", files: [{ weight: 400, style: "normal", data: merriweatherRegular }, { weight: 700, style: "normal", data: merriweatherBold }, { weight: 400, style: "italic", data: merriweatherItalic }] },
];
